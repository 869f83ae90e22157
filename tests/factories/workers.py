"""Continuing education (继续教育) rows, written directly for summaries and pages."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.workers.models import Training
from tests.factories.core import SocialWorkerFactory

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name: str = "结业证书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_file(name: str = "证书照片.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    worker = factory.SubFactory(SocialWorkerFactory)
    title = factory.Sequence(lambda n: f"社会工作继续教育培训{n}")
    provider = "成都市社会工作者协会"
    hours = 10
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    kind = Training.Kind.TRAINING
    certificate = factory.LazyFunction(pdf_file)
    certificate_name = "结业证书.pdf"
    certificate_mime = "application/pdf"

    class Params:
        verified = factory.Trait(status=Training.Status.VERIFIED, decided_at=factory.LazyFunction(timezone.now))
        rejected = factory.Trait(
            status=Training.Status.REJECTED,
            decided_at=factory.LazyFunction(timezone.now),
            rejection_reason="证书不清晰",
        )
