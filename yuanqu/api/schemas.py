"""Schemas shared by every router of the REST API (each app's own schemas live in its ``api.py``)."""


from ninja import Schema


class ErrorOut(Schema):
    """A refusal: a message and, for validation, the errors by field (in the user's language)."""

    detail: str
    errors: dict[str, list[str]] = {}
