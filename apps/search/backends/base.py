from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings

from apps.search.documents import Doc
from apps.search.segmentation import Group


@dataclass
class SearchQuery:
    groups: list[Group]
    types: list[str] = field(default_factory=list)
    category: str = ""
    region_path: str = ""
    status: str = ""
    obj_ids: list[str] | None = None  # restrict to these ids (of the one type in ``types``)
    offset: int = 0
    limit: int = 20
    match_any: bool = False  # OR the groups instead of AND (fallback for natural-language queries)
    facets: bool = True


@dataclass
class Hit:
    type: str
    id: str
    title: str
    body: str
    url: str
    score: float = 0.0


@dataclass
class SearchResult:
    count: int  # exact when ``exact``; else the cap, meaning "at least this many"
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {"type": {}, "category": {}})
    exact: bool = True
    facets_exact: bool = True  # False: each facet count is a lower bound (see rank_window)


# A query matching 5–20 % of a large corpus spends its time counting and ranking every match.
# Counting stops at SEARCH_COUNT_CAP (the API says "at least", the page "10,000+"), and when more
# than SEARCH_RANK_WINDOW documents match, only the newest that many are ranked.
COUNT_CAP = 10_000
RANK_WINDOW = 1_000


def count_cap() -> int:
    return int(getattr(settings, "SEARCH_COUNT_CAP", COUNT_CAP))


def rank_window() -> int:
    return int(getattr(settings, "SEARCH_RANK_WINDOW", RANK_WINDOW))


class SearchBackend(ABC):
    """index / delete / query / rebuild / count / keys — the whole contract of a backend."""

    name = "base"

    @abstractmethod
    def index(self, docs: Iterable[Doc]) -> int:
        """Each backend implements this."""

    @abstractmethod
    def delete(self, keys: Iterable[tuple[str, str]]) -> int:
        """Each backend implements this."""

    @abstractmethod
    def query(self, q: SearchQuery) -> SearchResult:
        """Each backend implements this."""

    @abstractmethod
    def clear(self) -> None:
        """Each backend implements this."""

    def rebuild(self, docs: Iterable[Doc], *, progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
        self.clear()
        total = 0
        chunk: list[Doc] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) >= batch:
                total += self._bulk_add(chunk)
                chunk = []
                if progress:
                    progress(total)
        if chunk:
            total += self._bulk_add(chunk)
            if progress:
                progress(total)
        self.optimize()
        return total

    def _bulk_add(self, docs: list[Doc]) -> int:
        return self.index(docs)

    def optimize(self) -> None:  # noqa: B027 - optional hook; most backends need nothing
        return None

    @abstractmethod
    def count(self) -> int:
        """Each backend implements this."""

    @abstractmethod
    def indexed_keys(self) -> set[tuple[str, str]]:
        """Each backend implements this."""
