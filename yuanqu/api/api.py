"""The REST API at /api/: the root NinjaAPI, its authentication and error handling, and the helpers routers share.

Each app keeps its endpoints and schemas in its own ``api.py`` router and mounts it here with
:func:`add_router` from its ``AppConfig.ready`` (which runs before the URLconf is loaded), so this floor
imports no app above it. Reads go through ``visible_to``; writes through the same services as the forms.
An object outside the caller's scope is a 404, never a 403.
"""


from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import ValidationError as NinjaValidationError

from .auth import ActiveSessionAuth, TokenAuth
from .schemas import ErrorOut

api = NinjaAPI(
    title="yuanqu API",
    version="1",
    description="园区 platform API. Authenticate with `Authorization: Bearer <token>` (tokens are issued on "
    "the API tokens page) or the browser session. Amounts are in 万元 where a field name ends in `_wan`.",
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_decorator=login_required,
)

ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the input: 422 with the reasons by field, in the user's language."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("The input is not valid."), "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """The request did not match the schema (missing field, wrong type): 422, by field."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        field = ".".join(loc) or "__all__"
        kind = err.get("type", "")
        if kind == "missing":
            msg = _("This field is required.")
        elif "date" in kind:
            msg = _("Enter a valid date (YYYY-MM-DD).")
        elif "decimal" in kind or "int" in kind or "float" in kind:
            msg = _("Enter a number.")
        else:
            msg = _("The value is not valid: %(msg)s") % {"msg": err.get("msg", "")}
        errors.setdefault(field, []).append(msg)
    return api.create_response(request, {"detail": _("The input is not valid."), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """Outside the caller's scope or role: 404, so nothing is confirmed to exist."""
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def resolve_ref(model: type[models.Model], value: Any, field: str, queryset: Any = None) -> Any:
    """Resolve a code or id to a row, or a field error naming what was not found."""
    if value in (None, ""):
        return None
    qs = queryset if queryset is not None else model._default_manager.all()
    try:
        return qs.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise ValidationError(
            {field: [_("%(value)s does not exist or is outside your scope.") % {"value": value}]}
        ) from exc


#: The prefix of the operationIds published while every endpoint lived in this module; routers that moved out
#: into their apps keep them, so clients generated from /api/openapi.json keep working.
LEGACY_OPERATION_IDS = "yuanqu_api_api"


def add_router(prefix: str, router: Router, *, operation_id_prefix: str = "") -> None:
    """Mount an app's ``router`` at ``prefix``; call it from the app's ``AppConfig.ready``.

    Routers appear in the OpenAPI document in the order they are added, which is INSTALLED_APPS order.
    ``operation_id_prefix`` names the operations ``<prefix>_<function>`` instead of after their module.
    """
    if operation_id_prefix:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                if operation.operation_id is None:
                    operation.operation_id = f"{operation_id_prefix}_{operation.view_func.__name__}"
    api.add_router(prefix, router)
