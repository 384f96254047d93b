"""Schemas and types shared by every router of the REST API (each app's own schemas live in its ``api.py``).

Every integer a caller sends is bounded in the schema (so the OpenAPI document says so and no value reaches
the database that it cannot bind): ids with :data:`Id`, years with :data:`Year`, months with :data:`Month`.
Every input schema derives from :class:`In`, which strips strings and applies the input hygiene of
``core.validators`` (names; control and bidi characters in any text) before a service sees the value.
"""

from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Interval
from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from yuanqu.core import validators

#: The largest id the database can hold (a 64-bit signed primary key, as SQLite and PostgreSQL bind it).
MAX_ID = 2**63 - 1
#: An id of a row: positive and within 64 bits.
Id = Annotated[int, Interval(ge=1, le=MAX_ID)]
#: A calendar year the platform can hold figures for.
Year = Annotated[int, Interval(ge=1978, le=2100)]
#: A month of the year.
Month = Annotated[int, Interval(ge=1, le=12)]
#: A quarter of the year.
Quarter = Annotated[int, Interval(ge=1, le=4)]
#: A head count (expected jobs and the like).
Count = Annotated[int, Interval(ge=0, le=10_000_000)]

#: Field names that hold a name (of a park, an enterprise, a lead, a person, a case).
NAME_FIELDS = frozenset({"name", "title"})

#: The error type of a refusal by ``core.validators``; ``api.on_schema_error`` shows its message as it is.
HYGIENE_ERROR = "yuanqu_hygiene"


def _refuse(exc: ValidationError) -> PydanticCustomError:
    return PydanticCustomError(HYGIENE_ERROR, "{message}", {"message": " ".join(str(m) for m in exc.messages)})


def _check(value: Any, *, name: bool) -> None:
    if isinstance(value, str):
        try:
            (validators.validate_name if name else validators.validate_text)(value)
        except ValidationError as exc:
            raise _refuse(exc) from None
    elif isinstance(value, list):
        for item in value:
            _check(item, name=name)


class In(Schema):
    """The base of every input schema (bodies and query parameters): strings are stripped, names checked as
    names, and no text holds a control or bidi-override character (PostgreSQL refuses NUL outright)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _hygiene(cls, value: Any, info: ValidationInfo) -> Any:
        _check(value, name=info.field_name in NAME_FIELDS)
        return value


class ErrorOut(Schema):
    """A refusal: a message and, for validation, the errors by field (in the user's language)."""

    detail: str
    errors: dict[str, list[str]] = {}


def not_null(**kwargs: Any) -> Any:
    """A PATCH field that may be left out but not sent as null: omitted, it is None and unset (so unchanged);
    sent as null, the schema refuses it with "required", since pydantic does not validate the default."""
    return Field(None, **kwargs)
