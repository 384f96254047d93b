"""The 亩均效益评价 endpoints of the REST API, mounted from :class:`yuanqu.evaluation.apps.EvaluationConfig`: runs
and their results (indicators, scores, class), read through the same scope as the pages (an enterprise sees only
its own published results), and an enterprise's appeal during 公示 through the same service."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination
from yuanqu.api.schemas import Id
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest

from . import selectors, services
from .models import Evaluation

router = Router(tags=["evaluations"])


class EvaluationOut(Schema):
    """A run: its year, method, stage, whether it is a 试算, its 公示 period."""

    id: int
    year: int
    method: int = Field(alias="method_id")
    method_name: str
    stage: str
    trial: bool
    publicity_from: dt.date | None
    publicity_until: dt.date | None

    @staticmethod
    def resolve_method_name(obj: Evaluation) -> str:
        return str(obj.method)


class ResultOut(Schema):
    """One enterprise's result: indicator values and scores by indicator code, total, class (T with reasons)."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str = Field(alias="enterprise.name")
    park: int | None = Field(alias="park_id")
    category: str
    land_mu: Decimal | None
    values: dict[str, Any]
    scores: dict[str, Any]
    bonus: Decimal
    total: Decimal | None
    grade: str
    excluded: list[str]
    grade_before_appeal: str


class AppealIn(Schema):
    reason: str = Field(max_length=2000)


class AppealOut(Schema):
    id: int
    result: int = Field(alias="result_id")
    filed_on: dt.date
    reason: str
    status: str


@router.get("/", response=list[EvaluationOut])
@paginate(Pagination)
def list_evaluations(request: AuthedRequest) -> Any:
    """Runs of the caller's region (district roles and the region's park operators)."""
    return Evaluation.objects.visible_to(request.user).select_related("method").order_by("-year", "-pk")


@router.get("/{evaluation_id}", response={200: EvaluationOut, **ERRORS})
def get_evaluation(request: AuthedRequest, evaluation_id: Id) -> Any:
    """One run."""
    return get_visible_or_404(Evaluation.objects.select_related("method"), request.user, pk=evaluation_id)


@router.get("/results/", response=list[ResultOut])
@paginate(Pagination)
def list_evaluation_results(request: AuthedRequest, evaluation: Id | None = None, grade: str = "") -> Any:
    """Results the caller may read (an enterprise: its own, once published), of one run and class if given."""
    qs = selectors.results_for(request.user)
    if evaluation is not None:
        qs = qs.filter(evaluation_id=evaluation)
    if grade:
        qs = qs.filter(grade=grade.upper())
    return qs.order_by("-evaluation__year", "grade", "-total", "pk")


@router.post("/results/{result_id}/appeal", response={201: AppealOut, **ERRORS})
def appeal_evaluation_result(request: AuthedRequest, result_id: Id, payload: AppealIn) -> Any:
    """申诉: the enterprise's own user, during 公示; later, or anyone else, refused (422) or not found (404)."""
    require_role(request.user, {Role.ENTERPRISE_USER})
    result = get_visible_or_404(selectors.results_for(request.user), request.user, pk=result_id)
    return Status(201, services.appeal_file(actor=request.user, result=result, reason=payload.reason))
