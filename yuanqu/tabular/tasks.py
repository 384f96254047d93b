"""Background tasks of the import: checking and committing a batch off the request (run by ``db_worker``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from . import engine
from .models import ImportBatch


@task()
def preview_batch(batch_id: int, user_id: int) -> str:
    """Check every row of a batch and store its row report."""
    batch = ImportBatch.objects.get(pk=batch_id)
    return engine.preview(batch, actor=get_user_model().objects.get(pk=user_id)).status


@task()
def commit_batch(batch_id: int, user_id: int, accept_warnings: bool = False) -> str:
    """Write a batch's valid rows, all or nothing (rows that look cut off only if the user accepted them)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    return engine.commit(batch, actor=get_user_model().objects.get(pk=user_id),
                         accept_warnings=accept_warnings).status
