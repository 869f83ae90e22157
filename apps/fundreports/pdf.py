"""A quarterly fund report as a PDF (reportlab, the STSong-Light CID font for Chinese), in the
current language, with a QR code pointing at the report's public page."""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.core.money import format_yuan
from apps.core.pdf import cid_font, qr_png, styles
from apps.fundreports.selectors import report_display


def _table(rows, widths):
    s = styles()
    body = [[Paragraph(str(c), s["body"]) for c in row] for row in rows]
    table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), cid_font()),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f3f3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(*, report, page_url: str) -> bytes:
    s = styles()
    d = report_display(report)
    fund = report.fund
    title = _("%(fund)s: report for %(year)d Q%(quarter)d") % {
        "fund": fund.name,
        "year": report.year,
        "quarter": report.quarter,
    }
    period = _("%(start)s to %(end)s") % {"start": date_format(d["start"]), "end": date_format(d["end"])}
    story = [Paragraph(title, s["title"]), Paragraph(f"{fund.host_name} · {period}", s["body"]), Spacer(1, 4 * mm)]

    story.append(Paragraph(_("Money in: %(total)s") % {"total": format_yuan(d["total_in"])}, s["body"]))
    rows = [[_("Source"), _("Kind"), _("Amount")]] + [
        [r["label"], r["kind"], format_yuan(r["amount"])] for r in d["money_in"]
    ]
    story += [_table(rows, [80, 50, 40]), Spacer(1, 4 * mm)]

    story.append(Paragraph(_("Money out: %(total)s") % {"total": format_yuan(d["total_out"])}, s["body"]))
    rows = [[_("Project"), _("Line"), _("Amount")]] + [
        [r["project"] or "—", r["line"], format_yuan(r["amount"])] for r in d["money_out"]
    ]
    story += [_table(rows, [70, 60, 40]), Spacer(1, 4 * mm)]

    story.append(Paragraph(_("Milestones accepted: %(n)d") % {"n": len(d["milestones"])}, s["body"]))
    if d["milestones"]:
        rows = [[_("Project"), _("Milestone"), _("Accepted on"), _("Amount")]] + [
            [m["project"], m["title"], date_format(m["accepted_at"]), format_yuan(m["amount"])] for m in d["milestones"]
        ]
        story.append(_table(rows, [50, 50, 35, 35]))
    story.append(Spacer(1, 4 * mm))

    story.append(Paragraph(_("Service hours delivered: %(hours)s") % {"hours": d["total_hours"]}, s["body"]))
    if d["hours"]:
        rows = [[_("Project"), _("Hours")]] + [[h["project"], h["hours"]] for h in d["hours"]]
        story.append(_table(rows, [130, 40]))
    story.append(Spacer(1, 4 * mm))

    digest = d["digest"]
    if digest:
        story.append(
            Paragraph(
                _("Digest of the fund's books at the quarter's end (%(date)s), transfer #%(sequence)s:")
                % {"date": date_format(digest["date"]), "sequence": digest["sequence"]},
                s["body"],
            )
        )
        story.append(Paragraph(digest["head_hash"], s["small"]))
    else:
        story.append(Paragraph(_("No digest of the fund's books was published by the quarter's end."), s["body"]))
    story += [
        Spacer(1, 5 * mm),
        Image(qr_png(page_url), width=24 * mm, height=24 * mm, hAlign="LEFT"),
        Paragraph(page_url, s["small"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=14 * mm
    )
    doc.title = title
    doc.build(story)
    return buffer.getvalue()
