"""Whoosh: postings read a block at a time give exactly what walking the matcher gives, before
and after further writes and deletions."""

import random

from whoosh.formats import Frequency, Positions

from apps.search.backends import whoosh as whoosh_backend
from apps.search.backends.base import SearchQuery
from apps.search.backends.whoosh import WhooshBackend, _segment_postings
from apps.search.documents import Doc
from apps.search.segmentation import cut_for_index, parse_query


def _doc(i: int, word: str) -> Doc:
    return Doc(type="need", id=str(i), title=f"第{i}期{word}", body=f"社区{word}服务，第{i}次。", url=f"/needs/{i}/")


def _walked(searcher, field: str, text: str) -> dict[int, float]:
    out = {}
    for sub, offset in searcher.leaf_searchers():
        if (field, text) in sub.reader():
            m = sub.postings(field, text)
            while m.is_active():
                out[m.id() + offset] = m.weight()
                m.next()
    return out


def _compare(backend) -> set[str]:
    """Each segment's postings read a block at a time, less that segment's deleted documents,
    equal the reader's own (filtered) matcher walked posting by posting."""
    searcher = backend._searcher(fresh=True)
    kinds = set()
    for field, text in (("body", "社区"), ("title", "助餐"), ("body", "助浴"), ("title", "第")):
        fast = {}
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if (field, text) in reader:
                kinds.add(type(sub.postings(field, text)).__name__)
                local = _segment_postings(reader, field, text)
                deleted = reader.deleted_docs_set
                fast.update((docnum + offset, w) for docnum, w in local.items() if docnum not in deleted)
        walked = _walked(searcher, field, text)
        assert fast == walked and len(walked) > 100, (field, text)
    return kinds


def test_block_reading_matches_the_matcher_walk(tmp_path):
    backend = WhooshBackend(str(tmp_path / "ix"))
    backend.rebuild(_doc(i, "助餐" if i % 3 else "助浴") for i in range(1, 701))  # many blocks
    assert "W3LeafMatcher" in _compare(backend)  # no deletions: the reader's matcher is the leaf
    # Deleted documents in a segment that is not merged away: the reader filters them, the block
    # read does not, and the deleted set takes them out.
    writer = backend.ix().writer()
    for i in range(2, 60, 7):
        writer.delete_by_term("key", f"need:{i}")
    writer.commit(merge=False)
    assert "FilterMatcher" in _compare(backend)


def test_positions_are_ordinal_when_phrases_are_on(tmp_path, settings):
    """Off by default (no query reads positions); on, each token's position is its place in the
    segmented token stream (jieba's analyzer stored character offsets, which broke phrases)."""

    plain = WhooshBackend(str(tmp_path / "plain"))
    plain.rebuild([_doc(1, "助餐")])
    assert type(plain.ix().schema["body"].format) is Frequency

    settings.SEARCH_WHOOSH_PHRASES = True
    backend = WhooshBackend(str(tmp_path / "phrases"))
    doc = _doc(1, "助餐")
    backend.rebuild([doc])
    assert type(backend.ix().schema["body"].format) is Positions
    tokens = cut_for_index(doc.body)
    reader = backend._searcher(fresh=True).reader()
    for word in ("社区", "助餐", "服务"):
        m = reader.postings("body", word)
        assert m.value_as("positions") == [tokens.index(word)], word
    assert tokens.index("服务") != doc.body.index("服务")  # not the character offset


def test_set_algebra_and_scores_match_whooshs_own_search(tmp_path):
    """The backend's matching (set algebra that starts an AND from its smallest part) and its
    scoring (compiled once per query) give the documents and BM25F scores of Whoosh's own
    matchers, over several segments with deletions."""

    rng = random.Random(3)
    words = ["助餐", "助浴", "养老", "讲座", "营造", "儿童", "心理", "调解"]
    backend = WhooshBackend(str(tmp_path / "ix"))
    backend.rebuild(
        Doc(
            type="need",
            id=str(i),
            title=f"社区{rng.choice(words)}项目",
            body=f"社区{rng.choice(words)}服务，{rng.choice(words)}活动，第{i}次。",
            url=f"/needs/{i}/",
        )
        for i in range(1, 401)
    )
    writer = backend.ix().writer()
    for i in range(3, 400, 9):
        writer.delete_by_term("key", f"need:{i}")
    writer.add_document(key="need:9001", **backend.fields(_doc(9001, "营造")))
    writer.commit(merge=False)
    searcher = backend._searcher(fresh=True)
    assert len(searcher.leaf_searchers()) > 1
    for text in ["社区营造", "助餐", "养老服务", "健康 讲座", "心理 调解", "儿童 社区", "不存在"]:
        for match_any in (False, True):
            wquery = backend._build(SearchQuery(groups=parse_query(text), match_any=match_any))
            native = {hit.docnum: hit.score for hit in searcher.search(wquery, limit=None)}
            ours = set(backend._docset(searcher, wquery))
            assert ours == set(native), (text, match_any)
            for score, docnum in backend._score(searcher, wquery, ours, len(ours)):
                assert abs(score - native[docnum]) < 1e-6, (text, docnum)


def test_a_write_reads_only_the_new_segments_postings(tmp_path, monkeypatch):
    """After a commit a new searcher is opened; the postings of the segments it shares with the
    old one come from the per-segment cache, and its own deletions still apply."""

    backend = WhooshBackend(str(tmp_path / "ix"))
    backend.rebuild(_doc(i, "助餐" if i % 3 else "助浴") for i in range(1, 701))
    query = SearchQuery(groups=parse_query("助餐"), limit=5, facets=False)
    before = backend.query(query).count
    assert before == 467

    reads = []
    real = whoosh_backend._read_postings
    monkeypatch.setattr(whoosh_backend, "_read_postings", lambda m: reads.append(m) or real(m))
    backend.apply([("index", "need", "9001", backend.fields(_doc(9001, "助餐"))), ("delete", "need", "1", None)])
    after = backend.query(query)
    assert after.count == before  # one added, need 1 (助餐) deleted
    assert "need:1" not in {f"{h.type}:{h.id}" for h in after.hits}
    # Only the new one-document segment was read, for 助餐 in title and body.
    assert len(reads) == 2
