"""Tables that turn into cards on a phone (#20), done once for the whole site.

``{% tables_as_cards %}…{% endtables_as_cards %}`` (around ``{% block content %}`` in base.html)
gives every data cell of a table with a header row the label of its column (``data-label``) and
marks the table ``data-cards``. Below 600 px site.css lays such a table out as one card per row,
each value after its column's name, so nothing scrolls sideways and a row's action stays on
screen. Done on the server: it works without JavaScript, and no table template repeats its
headers. A table with fewer than three columns fits a phone as it is and is left alone, as is a
table inside another one.
"""

import html
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

MIN_COLUMNS = 3
_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.IGNORECASE | re.DOTALL)
_HEAD = re.compile(r"<thead\b[^>]*>(.*?)</thead>", re.IGNORECASE | re.DOTALL)
_HEAD_CELL = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.IGNORECASE | re.DOTALL)
_PART = re.compile(r"<(/?)(thead|tr|th|td)\b([^>]*)>", re.IGNORECASE)
_COLSPAN = re.compile(r"""\bcolspan\s*=\s*["']?(\d+)""", re.IGNORECASE)
_MARKUP = re.compile(r"<[^>]*>")
_BLANK_CELL = re.compile(r"(<td\b[^>]*>)\s+(</td>)", re.IGNORECASE)


def _span(attrs: str) -> int:
    match = _COLSPAN.search(attrs)
    return max(1, int(match.group(1))) if match else 1


def _column_labels(table: str) -> list[str]:
    """The text of each column's header in the table's last header row, one entry per column."""
    head = _HEAD.search(table)
    if head is None:
        return []
    last_row = re.split(r"<tr\b", head.group(1), flags=re.IGNORECASE)[-1]
    labels = []
    for attrs, content in _HEAD_CELL.findall(last_row):
        text = " ".join(html.unescape(_MARKUP.sub(" ", content)).split())
        labels.extend([text] * _span(attrs))
    return labels


def _labelled(table: str) -> str:
    labels = _column_labels(table)
    if len(labels) < MIN_COLUMNS or "<table" in table[1:].lower():
        return table
    out, done, column, in_head = [], 0, 0, False
    for part in _PART.finditer(table):
        closing, name, attrs = part.group(1), part.group(2).lower(), part.group(3)
        if name == "thead":
            in_head = not closing
        elif name == "tr" and not closing:
            column = 0
        elif name in ("td", "th") and not closing:
            span = _span(attrs)
            # A cell across columns (an empty list's message, a total) speaks for itself.
            label = labels[column] if column < len(labels) and span == 1 else ""
            if name == "td" and not in_head and label and "data-label" not in attrs:
                out.append(table[done : part.end() - 1])
                out.append(f' data-label="{escape(label)}">')
                done = part.end()
            column += span
    out.append(table[done:])
    # A cell holding only whitespace is :empty for the stylesheet, so its card leaves it out.
    labelled = _BLANK_CELL.sub(r"\1\2", "".join(out))
    return re.sub(r"^<table\b", "<table data-cards", labelled, count=1, flags=re.IGNORECASE)


def tables_labelled(content: str) -> str:
    """``content`` with every table of three or more headed columns labelled for the phone layout."""
    return _TABLE.sub(lambda match: _labelled(match.group(0)), content)


class TablesAsCardsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return mark_safe(tables_labelled(self.nodelist.render(context)))  # noqa: S308 - rendered template output, only attributes added (escaped)


@register.tag
def tables_as_cards(parser, token):
    nodelist = parser.parse(("endtables_as_cards",))
    parser.delete_first_token()
    return TablesAsCardsNode(nodelist)
