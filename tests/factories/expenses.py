"""Expenses: a project with budget lines from its winning proposal, and receipt files (a real
PNG made with Pillow, a minimal PDF, and an HTML page posing as a PDF)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.bidding.models import ProposalBudgetLine
from apps.projects.models import Project
from tests.factories.projects import make_project

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png_bytes(color=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def receipt_png(name="发票.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def receipt_pdf(name="receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def html_as_pdf(name="receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"<!DOCTYPE html><html><body>not a receipt</body></html>", content_type="application/pdf"
    )


def add_budget(project: Project, lines) -> None:
    """Budget lines on the project's winning proposal: ``[(item, Decimal amount), …]``."""
    for position, (item, amount) in enumerate(lines):
        ProposalBudgetLine.objects.create(
            proposal=project.proposal, item=item, amount=Decimal(amount), position=position
        )


def budgeted_project(*, community, organization, fund, lines, **kwargs) -> Project:
    project = make_project(community=community, organization=organization, fund=fund, **kwargs)
    add_budget(project, lines)
    return project
