"""The certificate as a PDF: reportlab's built-in CID font STSong-Light (no font file shipped) and
a QR code (segno) pointing to the public verification page."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from apps.certification.models import Certificate
from apps.core.pdf import cid_font, qr_png

STATUS_ZH = {"certified": "有效", "suspended": "暂停", "expired": "已过期", "revoked": "已撤销（摘牌）"}


def certificate_pdf_bytes(certificate: Certificate, *, verify_url: str) -> bytes:
    font = cid_font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"社会企业认定证书 {certificate.certificate_no}")
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setFont(font, 32)
    pdf.drawCentredString(width / 2, height - 120, "社会企业认定证书")
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 150, "Social Enterprise Certificate")
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 230, certificate.organization.name)
    pdf.setFont(font, 14)
    lines = [
        f"统一社会信用代码：{certificate.organization.credit_code}",
        f"证书编号：{certificate.certificate_no}",
        f"有效期：{certificate.valid_from:%Y年%m月%d日} 至 {certificate.valid_until:%Y年%m月%d日}",
        f"状态：{STATUS_ZH.get(certificate.status, certificate.status)}",
    ]
    y = height - 290
    for line in lines:
        pdf.drawString(110, y, line)
        y -= 28
    pdf.drawImage(ImageReader(qr_png(verify_url, scale=5)), width - 250, 80, 150, 150)
    pdf.setFont(font, 10)
    pdf.drawString(width - 260, 66, "扫码核验证书真伪")
    pdf.drawString(110, 80, f"核验地址：{verify_url}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
