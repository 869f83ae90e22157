"""Shared PDF helpers: reportlab's built-in CID font for Chinese (no font file shipped), the
usual paragraph styles, and a segno QR code as a PNG for a verification URL.

Used by the service record (apps/projects), the certificate (apps/certification) and the
donation receipt (apps/funds).
"""

from __future__ import annotations

import io

import segno
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

FONT = "STSong-Light"


def cid_font() -> str:
    """The name of the registered Chinese CID font (registered on first use)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=cid_font(), fontSize=10, leading=15)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=24, spaceAfter=6),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey),
    }


def qr_png(url: str, *, scale: int = 4) -> io.BytesIO:
    """A QR code (error correction M) for ``url`` as a PNG in memory."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    buffer.seek(0)
    return buffer
