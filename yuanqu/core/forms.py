"""Form helpers shared by every app: service errors shown beside their fields, in Chinese; numbers typed as
people type them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.http import Http404

from yuanqu.core.numbers import NumberError, parse_number

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


def attach_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def call_service(form: forms.BaseForm, fn: Callable[[], T]) -> T | None:
    """Run a service for a valid form; on ValidationError attach it to the form and return None."""
    try:
        return fn()
    except ValidationError as exc:
        attach_errors(form, exc)
        return None


def save_edit(form: forms.BaseForm, obj: M, update: Callable[[M], T]) -> T | None:
    """The edit idiom of every edit view: call ``update`` (the service) with the object as stored, for a valid
    ModelForm bound to ``obj``; a ValidationError goes onto the form (None is returned), a PermissionDenied
    is a 404.

    ``is_valid()`` copies the typed values onto the form's instance (``obj``), so the service must not get
    that object: its audit record's "before" would already hold the new values. The object is read again by
    its key (the view found ``obj`` through the user's scope; this read only undoes the form's changes)."""
    stored = type(obj)._default_manager.get(pk=obj.pk)
    try:
        return call_service(form, lambda: update(stored))
    except PermissionDenied as exc:
        raise Http404 from exc


class StyledFormMixin:
    """Give widgets Tabler's classes so forms look the same everywhere."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"


#: The limits of the number columns values are typed into: 20 digits, 4 of them after the point.
INPUT_PLACES = 4
INPUT_MAX_DIGITS = 20


def parse_number_input(raw: Any, *, unit: str = "") -> Decimal | None:
    """A typed number (a form field, an API entry) in ``unit``, by the one parser of ``yuanqu.core.numbers``;
    None when nothing is typed. Raises a ValidationError with the parser's Chinese message and code."""
    try:
        return parse_number(raw, unit=unit, places=INPUT_PLACES, max_digits=INPUT_MAX_DIGITS)
    except NumberError as exc:
        raise ValidationError(str(exc), code=exc.code) from exc


class NumberField(forms.CharField):
    """A number typed the way people type it (５５亿, 1,234.5, 一百零二亿), read into ``unit``."""

    def __init__(self, *args: Any, unit: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.widget.attrs.setdefault("maxlength", "40")
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        return parse_number_input(super().to_python(value), unit=self.unit)


NON_FIELD = NON_FIELD_ERRORS
