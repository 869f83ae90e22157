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


# Full-width ASCII → half-width, ideographic space → space (then lowercase).
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    return (text or "").translate(_HALF_WIDTH).lower()


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


@functools.lru_cache(maxsize=200_000)
def _expand(word: str, pinyin: bool) -> tuple[str, ...]:
    """The index tokens of one segmenter word: itself, its characters, its pinyin and initials."""
    tokens: list[str] = []
    for part in _WORD.findall(word):
        tokens.append(part)
        if is_cjk(part) and len(part) > 1:
            tokens.extend(part)
            if pinyin:
                full, initials = pinyin_tokens(part)
                if full:
                    tokens.append(full)
                if initials and len(initials) > 1:
                    tokens.append(initials)
    return tuple(tokens)


def cut_for_index(text: str, *, pinyin: bool = True) -> list[str]:
    """All tokens of ``text`` for the index, in order (positions are ordinal)."""
    _ensure_loaded()
    tokens: list[str] = []
    for word in rjieba.cut_for_search(normalize(text)):
        tokens.extend(_expand(word, pinyin))
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
    """A compound's finer pieces (养老服务中心 → 养老 服务 中心; 社工站 → 社工 站): its sub-words,
    plus any character no sub-word covers (a rare sub-word is much cheaper to match than 社)."""
    pieces = [p for p in _clean(rjieba.cut_for_search(word)) if p != word and len(p) >= 2]
    covered = "".join(pieces)
    return tuple(dict.fromkeys(pieces + [ch for ch in word if ch not in covered]))


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


# Pinyin syllables (initial + final) for splitting a run typed without spaces (yanglaofuwu).
_INITIALS = [
    "zh",
    "ch",
    "sh",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
    "",
]
_FINALS = [
    "a",
    "o",
    "e",
    "i",
    "u",
    "v",
    "ai",
    "ei",
    "ui",
    "ao",
    "ou",
    "iu",
    "ie",
    "ve",
    "ue",
    "er",
    "an",
    "en",
    "in",
    "un",
    "vn",
    "ang",
    "eng",
    "ing",
    "ong",
    "ia",
    "iao",
    "ian",
    "iang",
    "iong",
    "ua",
    "uo",
    "uai",
    "uan",
    "uang",
]
_SYLLABLES = frozenset(i + f for i in _INITIALS for f in _FINALS) - {"", "i", "u", "v"}
_MAX_SYLLABLE = max(map(len, _SYLLABLES))


@functools.lru_cache(maxsize=4096)
def pinyin_syllables(run: str) -> tuple[str, ...]:
    """``yanglaofuwu`` → (yang, lao, fu, wu); () when the run is not all pinyin.

    Fewest syllables wins (xian is one syllable, not xi + an), as an IME would read it."""
    if not run.isascii() or not run.isalpha():
        return ()
    n = len(run)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_SYLLABLE), end):
            prev = best[start]
            if prev is not None and run[start:end] in _SYLLABLES:
                cand = (*prev, run[start:end])
                if best[end] is None or len(cand) < len(best[end]):
                    best[end] = cand
    return best[n] or ()


def pinyin_words(run: str) -> tuple[str, ...]:
    """A pinyin run of 4+ syllables as two-syllable words (a trailing odd one joins the last):
    yanglaofuwu → (yanglao, fuwu) — the per-word pinyin the index holds. () otherwise."""
    syl = pinyin_syllables(run)
    if len(syl) < 4:
        return ()
    words = ["".join(syl[i : i + 2]) for i in range(0, len(syl) - len(syl) % 2, 2)]
    if len(syl) % 2:
        words[-1] += syl[-1]
    return tuple(words)


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
        elif split := pinyin_words(word):
            alts.append(Alternative(split))
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
