from django.db import models


class SearchDocument(models.Model):
    """One indexed public document (SQL backends). Only public content ever gets a row.

    ``title_seg``/``body_seg`` hold the segmented tokens (see ``segmentation.index_text``); SQLite
    indexes them with the FTS5 table ``search_fts`` (external content, rowid = id), PostgreSQL with
    the generated ``tsv`` column and its GIN index (both created in migration 0002).
    """

    doc_type = models.CharField(max_length=16)
    obj_id = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    category = models.CharField(max_length=40, blank=True, db_index=True)
    region_path = models.CharField(max_length=140, blank=True, db_index=True)
    status = models.CharField(max_length=16, blank=True)
    title_seg = models.TextField(blank=True)
    body_seg = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "obj_id"], name="search_document_unique_key")]
        indexes = [models.Index(fields=["doc_type", "category"])]

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.obj_id}"


class PendingIndexUpdate(models.Model):
    """An index update that could not be queued because the broker was down (``tasks.index_queue``).
    The relay job ``search_index_relay`` reloads each object, indexes it and deletes its rows: one
    row per failed attempt, so an object changed twice while Redis was down is indexed once."""

    doc_type = models.CharField(max_length=16)
    obj_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.doc_type}:{self.obj_id}"
