"""JSON bodies with a bounded nesting depth.

Python's JSON decoder recurses once per level, so a body nested a few thousand levels deep raises
``RecursionError`` (a server error) before any view sees it. No request of ours needs more than a
few levels; the depth is checked on the raw text, before decoding, for every JSON body the
platform reads: DRF's default parser and any plain view (the Stripe webhook) through
``json_depth_check``.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64

# A JSON string (with its escapes) or one bracket; brackets inside strings are not nesting.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONTooDeep(ValueError):
    """The body nests arrays and objects deeper than ``MAX_JSON_DEPTH``."""


def json_depth_check(text: str | bytes, *, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``JSONTooDeep`` (a ``ValueError``) when ``text`` nests deeper than ``limit``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    depth = 0
    for match in _TOKENS.finditer(text):
        found = match.group()
        if found in ("[", "{"):
            depth += 1
            if depth > limit:
                raise JSONTooDeep(too_deep_message(limit))
        elif found in ("]", "}"):
            depth -= 1


def too_deep_message(limit: int = MAX_JSON_DEPTH) -> str:
    return _("The JSON body is nested too deeply (at most %(limit)d levels).") % {"limit": limit}


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than ``MAX_JSON_DEPTH`` with a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read()
        try:
            json_depth_check(raw.decode(encoding))
        except UnicodeDecodeError as exc:
            raise ParseError(_("The JSON body is not valid %(encoding)s text.") % {"encoding": encoding}) from exc
        except JSONTooDeep as exc:
            raise ParseError(str(exc)) from exc
        return super().parse(io.BytesIO(raw), media_type, parser_context)
