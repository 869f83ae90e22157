"""Whoosh: postings read a block at a time give exactly what walking the matcher gives, before
and after further writes and deletions."""

from apps.search.backends.whoosh import WhooshBackend, _read_postings
from apps.search.documents import Doc


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
    searcher = backend._searcher(fresh=True)
    kinds = set()
    for field, text in (("body", "社区"), ("title", "助餐"), ("body", "助浴"), ("title", "第")):
        fast = {}
        for sub, offset in searcher.leaf_searchers():
            if (field, text) in sub.reader():
                m = sub.postings(field, text)
                kinds.add(type(m).__name__)
                _read_postings(m, offset, fast)
        walked = _walked(searcher, field, text)
        assert fast == walked and len(walked) > 100, (field, text)
    return kinds


def test_block_reading_matches_the_matcher_walk(tmp_path):
    backend = WhooshBackend(str(tmp_path / "ix"))
    backend.rebuild(_doc(i, "助餐" if i % 3 else "助浴") for i in range(1, 701))  # many blocks
    assert "W3LeafMatcher" in _compare(backend)  # the block-at-a-time path
    # Deleted documents in a segment that is not merged away: the reader filters them.
    writer = backend.ix().writer()
    for i in range(2, 60, 7):
        writer.delete_by_term("key", f"need:{i}")
    writer.commit(merge=False)
    assert "FilterMatcher" in _compare(backend)
