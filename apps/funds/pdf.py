"""A donation receipt as a PDF: Chinese text in reportlab's CID font and a QR code pointing at
the public receipt page, where anyone can check the receipt number (apps/core/pdf.py helpers)."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.core.dates import bilingual_date
from apps.core.money import format_yuan
from apps.core.pdf import cid_font, qr_png, styles
from apps.funds.selectors import donation_purpose_category

NOTE = (
    "本收据由三社联动平台依据社区基金账本出具；扫描二维码或访问验证网址可核对收据编号、金额与状态。"
    " Scan the code or open the verification address to check this receipt."
)


# a receipt whose money went back keeps its number and says so
REVERSED = {
    "refunded": "已退款 Refunded",
    "partially_refunded": "部分退款 Partially refunded",
    "disputed": "有争议（拒付） Disputed",
}


def receipt_pdf(*, donation, verify_url: str) -> bytes:
    s = styles()
    fund = donation.fund
    paid = timezone.localtime(donation.paid_at) if donation.paid_at else None
    category = donation_purpose_category(donation)
    purpose = f"{category.name} {category.name_en}" if category else "不限定用途 unrestricted"
    rows = [
        ["收据编号 Receipt no.", donation.receipt_no],
        ["捐赠人 Donor", Paragraph(donation.donor_display, s["body"])],
        ["金额 Amount", format_yuan(donation.amount_fen)],
        ["基金 Fund", Paragraph(fund.name, s["body"])],
        ["用途 Purpose", Paragraph(purpose, s["body"])],
        ["日期 Date", bilingual_date(paid.date()) if paid else "—"],
        ["接收机构 Host foundation", Paragraph(fund.host_name, s["body"])],
    ]
    if donation.status in REVERSED:
        rows.append(["状态 Status", REVERSED[donation.status]])
    if donation.refunded_fen:
        rows.append(["已退款 Refunded", format_yuan(donation.refunded_fen)])
    table = Table(rows, colWidths=[42 * mm, 78 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), cid_font()),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A5, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=14 * mm, bottomMargin=12 * mm
    )
    doc.title = f"捐赠收据 {donation.receipt_no}"
    doc.build(
        [
            Paragraph("捐赠收据 Donation receipt", s["title"]),
            table,
            Spacer(1, 5 * mm),
            Image(qr_png(verify_url), width=28 * mm, height=28 * mm, hAlign="LEFT"),
            Paragraph(f"验证网址 Verify at：{verify_url}", s["small"]),
            Spacer(1, 3 * mm),
            Paragraph(NOTE, s["small"]),
        ]
    )
    return buffer.getvalue()
