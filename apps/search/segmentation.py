"""Chinese segmentation shared by every search backend.

One place decides how text becomes tokens, so SQLite FTS5, Whoosh and PostgreSQL index and query
exactly the same terms:

- ``cut_for_index`` — rjieba ``cut_for_search`` (a compound and its sub-words), every CJK character
  on its own (so 1-character queries work), lowercase Latin words, and for every Chinese word its
  full pinyin and initials (``养老`` → ``yanglao``, ``yl``).
- ``parse_query`` — the query cut into words; each word becomes a group of alternatives (the word,
  its synonyms, and the AND of its finer pieces), groups are ANDed.

rjieba loads its dictionary once per process (≈0.15 s, ≈33 MB); the domain terms of
``USER_WORDS`` are added on first use.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

import rjieba
from pypinyin import lazy_pinyin

# Domain terms jieba does not know; cut as one word (and by cut_for_search also into pieces).
USER_WORDS = [
    "社工站",
    "长者饭堂",
    "社区营造",
    "社会工作者",
    "社会组织",
    "三社联动",
    "助老",
    "为老",
    "助残",
    "助餐",
    "居家养老",
    "日间照料",
    "心理疏导",
    "矛盾调解",
    "四点半课堂",
    "困境儿童",
    "留守儿童",
    "失独老人",
    "空巢老人",
    "网格员",
    "志愿服务",
    "公益创投",
    "社会企业",
    "时间银行",
    "适老化",
    "微更新",
]

# Chengdu districts: full and short names are synonyms.
DISTRICTS = [
    "锦江区",
    "青羊区",
    "金牛区",
    "武侯区",
    "成华区",
    "龙泉驿区",
    "青白江区",
    "新都区",
    "温江区",
    "双流区",
    "郫都区",
    "新津区",
    "高新区",
    "天府新区",
]

# Field synonyms, applied at query time on purpose (each group is symmetric).
SYNONYM_GROUPS: list[list[str]] = [
    ["助老", "为老", "长者"],
    ["社工", "社会工作者"],
    ["助残", "残障", "残疾人"],
    ["心理健康", "心理咨询", "心理疏导"],
    ["青少年", "青年", "少年"],
    *[[full, full[:-1]] for full in DISTRICTS],
]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff\uf900-\ufaff]+")
_lock = threading.Lock()
_ready = False
_SYNONYMS: dict[str, list[str]] = {}


def _ensure_loaded() -> None:
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        for word in USER_WORDS + DISTRICTS:
            rjieba.add_word(word, 20000, None)
        for group in SYNONYM_GROUPS:
            for word in group:
                _SYNONYMS[word] = [w for w in group if w != word]
        _ready = True


def normalize(text: str) -> str:
    # Full-width ASCII → half-width, lowercase.
    out = []
    for ch in text or "":
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif code == 0x3000:
            ch = " "
        out.append(ch)
    return "".join(out).lower()


def is_cjk(word: str) -> bool:
    return bool(_CJK.search(word))


def _clean(words) -> list[str]:
    """Keep only real words: CJK runs and ASCII alphanumerics, no punctuation or spaces."""
    out = []
    for w in words:
        out.extend(_WORD.findall(w))
    return out


@functools.lru_cache(maxsize=200_000)
def pinyin_tokens(word: str) -> tuple[str, str]:
    """养老 → ("yanglao", "yl")."""
    syllables = lazy_pinyin(word, errors="ignore")
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s)
    return full, initials


def cut_for_index(text: str, *, pinyin: bool = True) -> list[str]:
    """All tokens of ``text`` for the index, in order (positions are ordinal)."""
    _ensure_loaded()
    text = normalize(text)
    tokens: list[str] = []
    for word in _clean(rjieba.cut_for_search(text)):
        tokens.append(word)
        if is_cjk(word) and len(word) > 1:
            tokens.extend(word)
            if pinyin:
                full, initials = pinyin_tokens(word)
                if full:
                    tokens.append(full)
                if initials and len(initials) > 1:
                    tokens.append(initials)
    return tokens


def index_text(text: str, *, pinyin: bool = True) -> str:
    """Space-joined tokens, the form stored in FTS5 and PostgreSQL."""
    return " ".join(cut_for_index(text, pinyin=pinyin))


def cut_for_query(text: str) -> list[str]:
    _ensure_loaded()
    return _clean(rjieba.cut(normalize(text)))


@dataclass(frozen=True)
class Alternative:
    """All ``terms`` must match (a single word, or the pieces of a compound)."""

    terms: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    word: str
    alternatives: tuple[Alternative, ...]


def synonyms(word: str) -> list[str]:
    _ensure_loaded()
    return list(_SYNONYMS.get(word, []))


def _pieces(word: str) -> tuple[str, ...]:
    """A compound's finer pieces (养老服务中心 → 养老 服务 中心), else its characters."""
    pieces = [p for p in _clean(rjieba.cut_for_search(word)) if p != word and len(p) >= 2]
    covered = "".join(dict.fromkeys(pieces))
    if pieces and all(ch in covered for ch in word):
        return tuple(dict.fromkeys(pieces))
    return tuple(dict.fromkeys(word))


# Words of natural-language queries that carry no meaning for the search ("我想找附近的…").
STOPWORDS = {
    "的",
    "了",
    "和",
    "与",
    "及",
    "或",
    "在",
    "是",
    "有",
    "我",
    "我们",
    "你",
    "想",
    "找",
    "要",
    "请",
    "帮",
    "吗",
    "呢",
    "吧",
    "啊",
    "哪些",
    "哪里",
    "哪个",
    "什么",
    "怎么",
    "如何",
    "一个",
    "一些",
    "附近",
    "相关",
    "可以",
    "能",
    "给",
    "为",
    "对",
    "把",
    "被",
    "个",
    "这",
    "那",
    "这个",
    "那个",
    "谁",
    "the",
    "a",
    "an",
    "of",
    "for",
    "and",
    "or",
    "in",
    "on",
    "to",
}


def parse_query(text: str, *, max_groups: int = 12) -> list[Group]:
    """The query as AND-ed groups of OR-ed alternatives (stopwords dropped unless alone)."""
    words = cut_for_query(text)
    meaningful = [w for w in words if w not in STOPWORDS]
    groups: list[Group] = []
    seen: set[str] = set()
    for word in meaningful or words:
        if word in seen:
            continue
        seen.add(word)
        alts: list[Alternative] = [Alternative((word,))]
        if is_cjk(word):
            for syn in synonyms(word):
                alts.append(Alternative((syn,)))
            if len(word) > 2:
                alts.append(Alternative(_pieces(word)))
        groups.append(Group(word, tuple(dict.fromkeys(alts))))
        if len(groups) >= max_groups:
            break
    return groups


def highlight_terms(groups: list[Group]) -> list[str]:
    """Surface strings worth marking in a snippet, longest first."""
    terms: set[str] = set()
    for g in groups:
        for alt in g.alternatives:
            terms.update(t for t in alt.terms if is_cjk(t) or len(t) > 1)
    return sorted(terms, key=len, reverse=True)
