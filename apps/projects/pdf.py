"""The worker's service record as a PDF (Chinese text with reportlab's built-in CID font)."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.core.pdf import cid_font, qr_png, styles

DISCLAIMER = (
    "本记录为三社联动平台的服务时长记录，不是全国志愿服务信息系统出具的证明。"
    " This is a platform record, not a certificate of the national volunteer service system."
)

# The PDF is in Chinese whatever the page's language (like its headings): how each line is evidenced
# and the role of who vouches for it.
EVIDENCE_NAMES = {"checkin": "现场签到", "confirmation": "社区确认"}
WITNESS_NAMES = {"community_staff": "社区工作者", "grid_worker": "网格员"}


def service_record_pdf(*, record, logs, verify_url: str) -> bytes:
    """``record`` is the issued ServiceRecord; ``logs`` the confirmed records it lists."""
    s = styles()
    body, title, small = s["body"], s["title"], s["small"]
    worker = record.worker
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm
    )
    doc.title = f"社会工作服务时长记录 {record.verification_no}"
    story = [
        Paragraph("社会工作服务时长记录", title),
        Paragraph(f"姓名 Name：{worker.name}", body),
        Paragraph(f"证书编号 Certificate：{worker.masked_certificate_no}", body),
        Paragraph(f"已确认服务时长合计 Total confirmed hours：{record.total_hours:.2f} 小时", body),
        Paragraph(f"记录条数 Records：{record.records_count}", body),
        Paragraph(f"验证编号 Verification number：{record.verification_no}", body),
        Paragraph(f"出具时间 Issued：{timezone.localtime(record.issued_at):%Y-%m-%d %H:%M}", body),
        Paragraph(f"验证网址 Verify at：{verify_url}", body),
        Spacer(1, 4 * mm),
        Image(qr_png(verify_url), width=30 * mm, height=30 * mm, hAlign="LEFT"),
        Spacer(1, 4 * mm),
    ]
    if record.evidence == "checkin":
        story.insert(5, Paragraph("仅含现场签到签退证明的时长 Only hours evidenced by check-in at the place", body))
    rows = [["日期", "时间", "项目", "社区", "时长", "证明方式", "见证人"]]
    for log in logs:
        rows.append(
            [
                log.date.isoformat(),
                f"{log.start_time:%H:%M}–{log.end_time:%H:%M}",
                Paragraph(log.project.title, body),
                Paragraph(log.project.community.name, body),
                f"{log.hours:.2f}",
                EVIDENCE_NAMES.get(log.evidence, log.evidence),
                WITNESS_NAMES.get(log.witness_role if log.evidence == "checkin" else "community_staff", "社区工作者"),
            ]
        )
    table = Table(rows, colWidths=[21 * mm, 22 * mm, 50 * mm, 30 * mm, 13 * mm, 18 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), cid_font()),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (4, 1), (4, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm), Paragraph(DISCLAIMER, small)]
    doc.build(story)
    return buffer.getvalue()
