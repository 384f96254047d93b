"""The REST API at /api/: the root NinjaAPI, its authentication and error handling, and the helpers routers share.

Each app keeps its endpoints and schemas in its own ``api.py`` router and mounts it here with
:func:`add_router` from its ``AppConfig.ready`` (which runs before the URLconf is loaded), so this floor
imports no app above it. Reads go through ``visible_to``; writes through the same services as the forms.
An object outside the caller's scope is a 404, never a 403.
"""


from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination

from yuanqu.core.services import RoleRefused, audit_refused_request

from .auth import ActiveSessionAuth, TokenAuth
from .schemas import HYGIENE_ERROR, ErrorOut


def docs_login_or_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document and the docs page: for the logged-in browser session (others are sent to the login
    page) or a valid ``Authorization: Bearer`` token (a wrong token gets 401, in JSON), so a script that calls
    the API can read its schema with the same credentials."""
    session_view = login_required(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            if TokenAuth()(request) is None:
                return JsonResponse({"detail": _("Log in, or give a valid API token."), "errors": {}}, status=401)
            return view(request, *args, **kwargs)
        return session_view(request, *args, **kwargs)

    return wrapped

class YuanquAPI(NinjaAPI):
    """The NinjaAPI with one change: a validation error keeps whether the value sent was null and how long a
    text was (ninja drops the input, which must not be echoed), so the message can say "required" for an
    explicit null and count the characters of a text that is too long."""

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> NinjaValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            for err in context.pydantic_validation_error.errors(include_url=False):
                err["loc"] = (model.__ninja_param_source__,) + model.__ninja_flatten_map_reverse__.get(
                    err["loc"], err["loc"])
                value = err.pop("input", None)
                err["input_is_null"] = value is None and err.get("type") != "missing"
                if isinstance(value, str):
                    err["input_length"] = len(value)
                ctx = err.get("ctx")
                if ctx and isinstance(ctx.get("error"), Exception):
                    ctx["error"] = str(ctx["error"])
                errors.append(dict(err))
        return NinjaValidationError(errors)


api = YuanquAPI(
    title="yuanqu API",
    version="1",
    description="园区 platform API. Authenticate with `Authorization: Bearer <token>` (tokens are issued on "
    "the API tokens page) or the browser session. Amounts are in 万元 where a field name ends in `_wan`.",
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_decorator=docs_login_or_token,
)

ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}
#: The refusals any endpoint may answer, declared on every operation of the OpenAPI document: a body that is
#: not JSON (400), no or a wrong credential (401), a session write without its CSRF token (403), outside the
#: caller's scope or missing (404), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413), input the schema or a
#: service refuses (422).
DECLARED_ERRORS = (400, 401, 403, 404, 413, 422)

#: The most rows one page of a list returns, and the furthest a list can be paged.
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` paging with both bounded, so no offset overflows the database's integers."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE_SIZE, description="每页条数（1–1000）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过的条数")


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
        if err.get("loc", ())[:1] == ("path",):
            # An id in the path that cannot exist (0, negative, beyond 64 bits) names no object: 404, as for any
            # missing one.
            return api.create_response(request, {"detail": _("Not found.")}, status=404)
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path", "filters",
                                                                "params")]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(schema_error_message(err))
    return api.create_response(request, {"detail": _("The input is not valid."), "errors": errors}, status=422)


def schema_error_message(err: dict[str, Any]) -> str:
    """A pydantic error as a Chinese message (never pydantic's English text)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == HYGIENE_ERROR:
        return str(ctx.get("message", ""))
    if kind == "missing" or err.get("input_is_null"):
        return _("This field is required.")
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": limit}
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": limit}
    if kind == "string_too_long":
        n, shown = int(ctx.get("max_length", 0)), int(err.get("input_length", 0))
        return ngettext("Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
                        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
                        n) % {"limit_value": n, "show_value": shown}
    if kind == "too_long":
        return _("Give at most %(n)s items.") % {"n": ctx.get("max_length", "")}
    if "date" in kind:
        return _("Enter a valid date (YYYY-MM-DD).")
    if kind.startswith(("decimal", "int", "float", "finite_number")):
        return _("Enter a number.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind.startswith("string"):
        return _("Enter text.")
    if kind.startswith(("list", "tuple", "set")):
        return _("Enter a list.")
    if kind.startswith(("dict", "model")):
        return _("Enter an object with the fields this endpoint names.")
    return _("The value is not valid.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals, in Chinese: a body that is not JSON (400), no or a wrong credential (401)."""
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return api.create_response(request, {"detail": _("Log in, or give a valid API token."), "errors": {}},
                                   status=401)
    if exc.status_code == 400:
        return api.create_response(request, {"detail": _("The input is not valid."),
                                             "errors": {"__all__": [_("The request body is not valid JSON.")]}},
                                   status=400)
    if exc.status_code == 403:
        # ninja's only 403 is the CSRF check of a session-authenticated write (scope refusals are 404s).
        return api.create_response(request, {"detail": _("The request has no valid CSRF token; reload the page "
                                                         "and try again."), "errors": {}}, status=403)
    return api.create_response(request, {"detail": _("The request cannot be handled."), "errors": {}},
                               status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413, saying the limit."""
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return api.create_response(
        request, {"detail": _("The request is too large: at most %(mb)s MB.") % {"mb": f"{limit_mb:g}"},
                  "errors": {}}, status=413)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """Outside the caller's scope or role: 404, so nothing is confirmed to exist; the refused attempt is audited."""
    audit_refused_request(request, exc)
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    if isinstance(exc, RoleRefused):
        audit_refused_request(request, exc)
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
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            if operation_id_prefix and operation.operation_id is None:
                operation.operation_id = f"{operation_id_prefix}_{operation.view_func.__name__}"
            declare_errors(operation)
    api.add_router(prefix, router)


def declare_errors(operation: Any) -> None:
    """Declare :data:`DECLARED_ERRORS` with :class:`ErrorOut` on an operation, so the OpenAPI document lists
    every status the endpoint can answer."""
    if len(operation.response_models) == 1 and 200 not in operation.response_models:
        raise ValueError(f"{operation.view_func.__name__}: declare its responses as a dict with ERRORS")
    for status in DECLARED_ERRORS:
        if status not in operation.response_models:
            operation.response_models[status] = operation._create_response_model(ErrorOut)
