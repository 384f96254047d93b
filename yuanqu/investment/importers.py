"""The importers of leads and projects. Registered from :class:`yuanqu.investment.apps.InvestmentConfig`.

A stored lead or project named by a row is changed through :mod:`yuanqu.investment.services`, row by row. New rows
take a bulk path (``bulk = True``; issue 14 item 9): each is checked in :meth:`check` as
:func:`~yuanqu.investment.services.lead_create` / :func:`~yuanqu.investment.services.project_create` would check it,
with their messages, against lookups loaded in chunks (:meth:`prefetch`), and written with
:func:`yuanqu.tabular.fast.fast_insert` (COPY on PostgreSQL, executemany on SQLite), with one audit event for the
batch and the new rows' ids kept for a revert. tests/tabular/test_fast_investment_imports.py imports the same files
both ways and compares what is stored, the row reports and the audit.

The engine may call :meth:`prefetch`, :meth:`check` and :meth:`apply` once per chunk of rows within one run:
``prefetch`` replaces its lookups each time; what the run has accepted so far and not yet written (the new leads a
later row would duplicate) is kept apart, in ``ctx.cache["lead_run"]``, and forgotten as :meth:`apply` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core import audit
from yuanqu.core.models import IndustryCode
from yuanqu.core.roles import EDIT_PARK, Role
from yuanqu.parks.importers import resolve_park
from yuanqu.parks.models import Park
from yuanqu.tabular.fast import fast_insert, fast_pinyin_keys
from yuanqu.tabular.importers import CHUNK, BulkServiceImporter, amount_field, resolve_industry
from yuanqu.tabular.registry import PARK_SYNONYMS, USCC_SYNONYMS, Context, FieldSpec, RowResult

from . import services as inv_services
from .models import Lead, Project, ProjectStage


def _industry(ctx: Context, code: Any) -> IndustryCode | None:
    """The industry a parsed code names, as the services take it (loaded once per code and run)."""
    if code in (None, ""):
        return None
    memo: dict[str, IndustryCode] = ctx.cache.setdefault("industry_objects", {})
    if code not in memo:
        memo[code] = IndustryCode.objects.get(pk=code)
    return memo[code]


def _service_values(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as the services take them: the industry as its object, not its code."""
    out = dict(values)
    if "industry" in out:
        out["industry"] = _industry(ctx, out["industry"])
    return out


def _field_errors(model: type[Any], name: str, value: Any) -> list[str]:
    """What ``full_clean`` says of ``value`` in field ``name`` beyond what the cell's parser checked (a length, a
    range): the field's own validators, which ask nothing of the database."""
    field = model._meta.get_field(name)
    if isinstance(value, str) and len(value) <= (field.max_length or 0):
        return []  # a key of a checked name: within its length, it holds no character a validator refuses
    try:
        field.run_validators(value)  # type: ignore[union-attr]
    except ValidationError as exc:
        return list(exc.messages)
    return []


class _InvestmentImporter(BulkServiceImporter):
    """Leads and projects: the scope checks their create services make first, in their order."""

    def _in_scope(self, ctx: Context, row: RowResult, park_field: str, choose_park: str, parks: set[int]) -> bool:
        """The role, the region (the park's, else the user's), an operator's park and the park among ``parks``: the
        first that fails is the row's error (False)."""
        if ctx.actor.role not in EDIT_PARK:
            row.error(_("You may not change this row."))
            return False
        park = row.values.get(park_field)
        region = park.region_id if park is not None else ctx.actor.region_id
        if not self._region_ok(ctx, region):
            self._refuse(row, "region", _("This region is outside your scope."))
            return False
        if park is None and ctx.actor.role == Role.PARK_OPERATOR:
            self._refuse(row, park_field, choose_park)
            return False
        if park is not None and park.pk not in parks:
            self._refuse(row, park_field, _("This park is outside your scope."))
            return False
        return True


@dataclass
class _LeadRun:
    """What a run of the lead import accepted and has not written yet, for the duplicate check of later rows.

    ``new_by_key`` / ``new_by_uscc``: the new rows accepted so far (line, name), by normalised name and by USCC;
    ``moved``: stored leads whose USCC a row changes (pk → (new USCC, created_at, name)).
    """

    new_by_key: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    new_by_uscc: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    moved: dict[int, tuple[str, Any, str]] = field(default_factory=dict)


class LeadImporter(_InvestmentImporter):
    """Leads by company name (normalised as the duplicate check does); new ones are owned by the importer."""

    entity = "leads"
    position = 50
    label = gettext_lazy("Leads")
    model = Lead
    key_fields = ("name",)
    fields = (
        FieldSpec(
            "name",
            gettext_lazy("Company"),
            required=True,
            max_length=150,
            synonyms=("企业名称", "公司名称", "单位名称", "线索名称", "客户名称", "名称", "企业"),
        ),
        FieldSpec(
            "uscc", gettext_lazy("Unified social credit code"), "uscc", synonyms=USCC_SYNONYMS
        ),
        FieldSpec(
            "source",
            gettext_lazy("Source"),
            "choice",
            choices=lambda: Lead.Source.choices,
            synonyms=("来源", "线索来源", "信息来源"),
        ),
        FieldSpec(
            "target_park",
            gettext_lazy("Target park"),
            "ref",
            resolve=resolve_park,
            synonyms=("意向园区", "目标园区", "园区", "拟落户园区"),
        ),
        FieldSpec(
            "industry",
            gettext_lazy("Industry"),
            "ref",
            resolve=resolve_industry,
            synonyms=("行业", "所属行业", "行业代码"),
        ),
        amount_field(
            "intended_investment_wan",
            gettext_lazy("Intended investment"),
            ("意向投资额", "投资额", "拟投资额", "投资规模"),
        ),
        FieldSpec(
            "expected_jobs",
            gettext_lazy("Expected jobs"),
            "int",
            unit="人",
            synonyms=("预计用工", "预计就业", "就业人数", "用工人数"),
        ),
        FieldSpec("note", gettext_lazy("Note"), synonyms=("备注", "说明", "情况说明")),
    )
    ignored_headers = ("Status", "Owner", "Last follow-up", "Next step due", "Reason lost")

    # --- lookups -------------------------------------------------------------------------------------------------

    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        if not self.bulk:
            return
        keys = sorted({inv_services.normalize_name(r.values.get("name", "")) for r in rows})
        usccs = sorted({r.values["uscc"] for r in rows if r.values.get("uscc")})
        by_key: dict[str, Lead] = {}
        visible = Lead.objects.visible_to(ctx.actor)
        for i in range(0, len(keys), CHUNK):
            # in the order find() takes the first (the model's: newest first)
            for lead in visible.filter(name_key__in=keys[i : i + CHUNK]):
                by_key.setdefault(lead.name_key, lead)
        by_uscc: dict[str, list[tuple[Any, int, str]]] = {}
        for i in range(0, len(usccs), CHUNK):
            for uscc, created, pk, name in visible.filter(uscc__in=usccs[i : i + CHUNK]).values_list(
                    "uscc", "created_at", "pk", "name"):
                by_uscc.setdefault(uscc, []).append((created, pk, name))
        ctx.cache["lead_by_key"] = by_key
        ctx.cache["lead_by_uscc"] = by_uscc
        ctx.cache["parks_visible"] = set(Park.objects.visible_to(ctx.actor).values_list("pk", flat=True))

    def _run(self, ctx: Context) -> _LeadRun:
        run = ctx.cache.get("lead_run")
        if run is None:
            run = ctx.cache["lead_run"] = _LeadRun()
        return run  # type: ignore[no-any-return]

    def find(self, ctx: Context, row: RowResult) -> Any:
        key = inv_services.normalize_name(row.values.get("name", ""))
        if self.bulk:
            return ctx.cache["lead_by_key"].get(key)
        return Lead.objects.visible_to(ctx.actor).filter(name_key=key).first()

    def stored(self, obj: Any, name: str) -> Any:
        return obj.industry_id if name == "industry" else super().stored(obj, name)

    # --- checks --------------------------------------------------------------------------------------------------

    def check(self, ctx: Context, row: RowResult) -> None:
        super().check(ctx, row)
        if not self.bulk or row.errors:
            return
        if row.action == "new":
            self._check_new(ctx, row)
        elif row.action == "update" and "uscc" in row.changes:
            # a later new row with this code is a duplicate of the stored lead (as the services see it in turn)
            lead = row.existing
            self._run(ctx).moved[lead.pk] = (row.changes["uscc"], lead.created_at, lead.name)

    def _check_new(self, ctx: Context, row: RowResult) -> None:
        """The errors :func:`~yuanqu.investment.services.lead_create` would give the row, in its order."""
        v = row.values
        if not self._in_scope(ctx, row, "target_park", _("Choose the park the lead is for."),
                              ctx.cache["parks_visible"]):
            return
        name = v["name"]
        key = inv_services.normalize_name(name)
        uscc = v.get("uscc") or ""
        dups = self._duplicates(ctx, key, uscc)
        if dups:
            row.error(_("A similar lead exists already: %(names)s. Merge into it, or confirm this is a different "
                        "company.") % {"names": "、".join(dups)})
            return
        pinyin, initials = fast_pinyin_keys(name)
        problems = [(n, m) for n, value in (("name_key", key), ("name_pinyin", pinyin), ("name_initials", initials),
                                             ("expected_jobs", v.get("expected_jobs")))
                    if value is not None for m in _field_errors(Lead, n, value)]
        if problems:
            for n, m in problems:
                self._refuse(row, n, m)
            return
        row.extra["keys"] = (key, pinyin, initials)
        run = self._run(ctx)
        if key:
            run.new_by_key.setdefault(key, []).append((row.line, name))
        if uscc:
            run.new_by_uscc.setdefault(uscc, []).append((row.line, name))

    def _duplicates(self, ctx: Context, key: str, uscc: str) -> list[str]:
        """The names :func:`~yuanqu.investment.selectors.find_duplicates` would list: the leads of this run not yet
        written (newest first), then the stored ones, newest first. A stored lead with the same normalised name
        made the row an update; so only the code can match a stored one."""
        run = self._run(ctx)
        pending = dict((run.new_by_key.get(key, []) if key else []) + (run.new_by_uscc.get(uscc, []) if uscc else []))
        names = [pending[line] for line in sorted(pending, reverse=True)]
        if not uscc:
            return names
        stored = {pk: (created, pk, name) for created, pk, name in ctx.cache["lead_by_uscc"].get(uscc, [])
                  if pk not in run.moved}
        stored.update((pk, (created, pk, name)) for pk, (code, created, name) in run.moved.items() if code == uscc)
        return names + [name for _c, _pk, name in sorted(stored.values(), key=lambda t: (t[0], t[1]), reverse=True)]

    # --- writes --------------------------------------------------------------------------------------------------

    def create(self, ctx: Context, row: RowResult) -> Any:
        return inv_services.lead_create(actor=ctx.actor, **_service_values(ctx, row.values))

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return inv_services.lead_update(actor=ctx.actor, lead=obj, **_service_values(ctx, row.changes))

    def stored_applied(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        moved = self._run(ctx).moved
        for r in rows:
            if r.existing is not None:
                moved.pop(r.existing.pk, None)

    def insert(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        """As :func:`~yuanqu.investment.services.lead_create` with ``claim``: new, owned by the importing user."""
        now = timezone.now()
        actor = ctx.actor
        names = ("name", "name_key", "name_pinyin", "name_initials", "uscc", "industry", "region", "target_park",
                 "source", "status", "lost_reason", "intended_investment_wan", "expected_jobs", "owner",
                 "owned_since", "note", "archive_reason", "created_at", "updated_at")
        out = []
        for r in rows:
            v = r.values
            park = v.get("target_park")
            out.append((v["name"], *r.extra["keys"], v.get("uscc") or "", v.get("industry"),
                        park.region_id if park is not None else actor.region_id, park.pk if park is not None else None,
                        v.get("source") or Lead.Source.OTHER, Lead.Status.NEW, "", v.get("intended_investment_wan"),
                        v.get("expected_jobs"), actor.pk, now, v.get("note") or "", "", now, now))
        fast_insert(Lead, names, out)
        written = [r.values["name"] for r in rows]
        audit.note_created(Lead._meta.label, sorted(
            Lead.objects.filter(created_at=now, name__in=written).values_list("pk", flat=True)))
        # written: a later chunk finds these leads among the stored ones
        run = self._run(ctx)
        lines = {r.line for r in rows}
        for table in (run.new_by_key, run.new_by_uscc):
            for k in list(table):
                table[k] = [(line, name) for line, name in table[k] if line not in lines]
                if not table[k]:
                    del table[k]


class ProjectImporter(_InvestmentImporter):
    """Projects by name; new ones are registered (在谈), existing ones updated."""

    entity = "projects"
    position = 60
    label = gettext_lazy("Projects")
    model = Project
    key_fields = ("name",)
    fields = (
        FieldSpec(
            "name", gettext_lazy("Project"), required=True, max_length=150, synonyms=("项目名称", "项目", "名称")
        ),
        FieldSpec(
            "park",
            gettext_lazy("Park"),
            "ref",
            resolve=resolve_park,
            synonyms=PARK_SYNONYMS,
        ),
        FieldSpec(
            "level",
            gettext_lazy("Level"),
            "choice",
            choices=lambda: Project.Level.choices,
            synonyms=("项目级别", "级别", "重点项目级别"),
            aliases={"省重点": "province", "市重点": "city", "区重点": "district", "省重大项目": "province",
                     "省重点项目": "province", "省重大": "province", "市重点项目": "city", "市级重点": "city",
                     "区重点项目": "district"},
        ),
        FieldSpec("industry", gettext_lazy("Industry"), "ref", resolve=resolve_industry, synonyms=("行业", "所属行业")),
        amount_field(
            "total_investment_wan", gettext_lazy("Total investment"), ("总投资", "计划总投资", "投资额", "总投资额")
        ),
        amount_field("fixed_asset_investment_wan", gettext_lazy("Fixed-asset investment"), ("固定资产投资", "固投")),
        FieldSpec("note", gettext_lazy("Note"), synonyms=("备注", "建设内容")),
    )
    ignored_headers = ("Stage", "Overdue stages")

    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        if not self.bulk:
            return
        names = sorted({r.values["name"] for r in rows if r.values.get("name")})
        by_name: dict[str, Project] = {}
        visible = Project.objects.visible_to(ctx.actor)
        for i in range(0, len(names), CHUNK):
            # in the order find() takes the first (the model's: largest investment first)
            for project in visible.filter(name__in=names[i : i + CHUNK]):
                by_name.setdefault(project.name, project)
        ctx.cache["project_by_name"] = by_name
        ctx.cache["parks_editable"] = set(Park.objects.editable_by(ctx.actor).values_list("pk", flat=True))

    def find(self, ctx: Context, row: RowResult) -> Any:
        if self.bulk:
            return ctx.cache["project_by_name"].get(row.values.get("name"))
        return Project.objects.visible_to(ctx.actor).filter(name=row.values.get("name")).first()

    def stored(self, obj: Any, name: str) -> Any:
        return obj.industry_id if name == "industry" else super().stored(obj, name)

    def check(self, ctx: Context, row: RowResult) -> None:
        super().check(ctx, row)
        if self.bulk and row.action == "new" and not row.errors:
            self._check_new(ctx, row)

    def _check_new(self, ctx: Context, row: RowResult) -> None:
        """The errors :func:`~yuanqu.investment.services.project_create` would give the row, in its order."""
        v = row.values
        if not self._in_scope(ctx, row, "park", _("Choose the park of the project."), ctx.cache["parks_editable"]):
            return
        if v.get("total_investment_wan") is None:  # full_clean: the amount is not optional
            field = Project._meta.get_field("total_investment_wan")
            self._refuse(row, "total_investment_wan", str(field.error_messages["null"]))  # type: ignore[union-attr]

    def create(self, ctx: Context, row: RowResult) -> Any:
        return inv_services.project_create(actor=ctx.actor, **_service_values(ctx, row.values))

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return inv_services.project_update(actor=ctx.actor, project=obj, **_service_values(ctx, row.changes))

    def insert(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        """As :func:`~yuanqu.investment.services.project_create`: registered (在谈), with an empty row per stage."""
        now = timezone.now()
        actor = ctx.actor
        names = ("name", "park", "region", "industry", "level", "total_investment_wan", "fixed_asset_investment_wan",
                 "stage", "terminated_reason", "note", "archive_reason", "created_at", "updated_at")
        out = []
        for r in rows:
            v = r.values
            park = v.get("park")
            out.append((v["name"], park.pk if park is not None else None,
                        park.region_id if park is not None else actor.region_id, v.get("industry"),
                        v.get("level") or Project.Level.DISTRICT, v["total_investment_wan"],
                        v.get("fixed_asset_investment_wan"), Project.Stage.TALKS, "", v.get("note") or "", "",
                        now, now))
        fast_insert(Project, names, out)
        pks = dict(Project.objects.filter(created_at=now, name__in=[r.values["name"] for r in rows])
                   .values_list("name", "pk"))
        created = [pks[r.values["name"]] for r in rows]
        audit.note_created(Project._meta.label, created)
        fast_insert(ProjectStage, ("project", "stage", "planned_on", "actual_on"),
                    [(pk, stage, None, None) for pk in created for stage in Project.ORDER])
        audit.note_created(ProjectStage._meta.label, sorted(
            ProjectStage.objects.filter(project_id__in=created).values_list("pk", flat=True)))
