"""Scoped reads of the import pages and command."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet

from .models import ImportBatch


def parks_for_import(user: Any) -> QuerySet[Any]:
    """The parks a user may name as a batch's default park (new enterprises sign into it).

    ``ImportBatch.default_park`` points at the parks' model, a floor above the engine: it is reached through that
    relation rather than imported, so tabular depends on no higher app's code.
    """
    park_model = cast(Any, ImportBatch._meta.get_field("default_park").related_model)
    return cast(QuerySet[Any], park_model.objects.editable_by(user))
