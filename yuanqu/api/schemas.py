"""Schemas of the REST API: what goes in and what comes out, with units in the field names."""


import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class ErrorOut(Schema):
    """A refusal: a message and, for validation, the errors by field (in the user's language)."""

    detail: str
    errors: dict[str, list[str]] = {}


class ParkIn(Schema):
    """Fields to create a park (all) or update it (any)."""

    name: str = Field(max_length=100)
    region: str = Field(description="6-digit NBS division code, e.g. 370213")
    kind: str
    status: str = "operating"
    key_level: str = ""
    industries: list[str] = Field(default_factory=list, description="GB/T 4754-2017 codes")
    operator_name: str = ""
    address: str = ""
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    total_investment_wan: Decimal | None = Field(None, description="万元")
    opened_on: dt.date | None = None
    description: str = ""


class ParkPatch(Schema):
    """Fields to change on a park; omitted fields stay as they are."""

    name: str | None = None
    region: str | None = None
    kind: str | None = None
    status: str | None = None
    key_level: str | None = None
    industries: list[str] | None = None
    operator_name: str | None = None
    address: str | None = None
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    total_investment_wan: Decimal | None = None
    opened_on: dt.date | None = None
    description: str | None = None


class ParkOut(Schema):
    """A park as the API returns it."""

    id: int
    name: str
    region: str = Field(alias="region_id")
    kind: str
    status: str
    key_level: str
    operator_name: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    land_area_mu: Decimal | None
    floor_area_m2: Decimal | None
    total_investment_wan: Decimal | None
    opened_on: dt.date | None
    description: str
    industries: list[str]

    @staticmethod
    def resolve_industries(obj: object) -> list[str]:
        return list(obj.industries.values_list("code", flat=True))  # type: ignore[attr-defined]


class EnterpriseIn(Schema):
    """Fields to register an enterprise; ``park`` signs it into that park at once."""

    uscc: str = Field(description="统一社会信用代码, 18 characters, GB 32100-2015")
    name: str = Field(max_length=150)
    industry: str | None = Field(None, description="GB/T 4754-2017 class (小类) code")
    region: str
    is_high_tech: bool = False
    srdi_level: str = ""
    is_above_scale: bool = False
    listing: str = "unlisted"
    is_four_new: bool = False
    registered_capital_wan: Decimal | None = Field(None, description="万元")
    established_on: dt.date | None = None
    status: str = "active"
    park: int | None = None
    signed_on: dt.date | None = None


class EnterprisePatch(Schema):
    """Fields to change on an enterprise; a new name goes into its name history."""

    uscc: str | None = None
    name: str | None = None
    industry: str | None = None
    region: str | None = None
    is_high_tech: bool | None = None
    srdi_level: str | None = None
    is_above_scale: bool | None = None
    listing: str | None = None
    is_four_new: bool | None = None
    registered_capital_wan: Decimal | None = None
    established_on: dt.date | None = None
    status: str | None = None


class FormerNameOut(Schema):
    """A former name and the last day it was used."""

    name: str
    used_until: dt.date


class ContactOut(Schema):
    """A contact; phone and e-mail are masked unless the caller may see them."""

    id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool


class EnterpriseOut(Schema):
    """An enterprise as the API returns it."""

    id: int
    uscc: str
    name: str
    industry: str | None = Field(alias="industry_id")
    region: str = Field(alias="region_id")
    is_high_tech: bool
    srdi_level: str
    is_above_scale: bool
    listing: str
    is_four_new: bool
    registered_capital_wan: Decimal | None
    established_on: dt.date | None
    status: str
    former_names: list[FormerNameOut]

    @staticmethod
    def resolve_former_names(obj: object) -> list[object]:
        return list(obj.former_names.all())  # type: ignore[attr-defined]


class EnterpriseDetailOut(EnterpriseOut):
    """An enterprise with its contacts (masked by role)."""

    contacts: list[ContactOut] = []

    @staticmethod
    def resolve_contacts(obj: object) -> list[dict[str, object]]:
        return getattr(obj, "masked_contacts", [])


class SettlementIn(Schema):
    """Sign an enterprise into a park: by its id (if visible to the caller) or by its USCC."""

    enterprise: int | None = None
    uscc: str | None = Field(None, description="统一社会信用代码 of a registered enterprise")
    park: int
    signed_on: dt.date
    units: list[int] = Field(default_factory=list)
    note: str = ""


class SettlementAdvance(Schema):
    """Move a settlement to a later stage on a date; 退出 (exited) needs a reason."""

    to_stage: str
    on: dt.date
    reason: str = ""


class SettlementPatch(Schema):
    """Correct a settlement's dates or note, or set the units it occupies."""

    signed_on: dt.date | None = None
    fitout_on: dt.date | None = None
    moved_in_on: dt.date | None = None
    exited_on: dt.date | None = None
    note: str | None = None
    units: list[int] | None = None


class SettlementOut(Schema):
    """A settlement as the API returns it."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str
    park: int = Field(alias="park_id")
    stage: str
    signed_on: dt.date
    fitout_on: dt.date | None
    moved_in_on: dt.date | None
    exited_on: dt.date | None
    exit_reason: str
    note: str
    units: list[int]

    @staticmethod
    def resolve_enterprise_name(obj: object) -> str:
        return obj.enterprise.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_units(obj: object) -> list[int]:
        return list(obj.occupancies.filter(active=True).values_list("unit_id", flat=True))  # type: ignore[attr-defined]


class LeadContactIn(Schema):
    """A contact person given with a new lead."""

    name: str = Field(max_length=60)
    title: str = ""
    phone: str = ""
    email: str = ""


class LeadIn(Schema):
    """Fields to record a lead (招商线索)."""

    name: str = Field(max_length=150)
    uscc: str = ""
    industry: str | None = Field(None, description="GB/T 4754-2017 class code")
    region: str | None = Field(None, description="6-digit code; defaults to the target park's")
    target_park: int | None = None
    source: str = "other"
    intended_investment_wan: Decimal | None = Field(None, description="万元")
    expected_jobs: int | None = None
    note: str = ""
    contacts: list[LeadContactIn] = Field(default_factory=list)
    claim: bool = Field(True, description="own the lead (false: put it in the shared pool)")
    allow_duplicate: bool = False


class LeadStatusIn(Schema):
    """A status change; ``reason`` is required for lost."""

    status: str
    reason: str = ""


class LeadOut(Schema):
    """A lead as the API returns it (contacts masked unless the caller may see them)."""

    id: int
    name: str
    uscc: str
    industry: str | None = Field(alias="industry_id")
    region: str = Field(alias="region_id")
    target_park: int | None = Field(alias="target_park_id")
    source: str
    status: str
    lost_reason: str
    intended_investment_wan: Decimal | None
    expected_jobs: int | None
    owner: int | None = Field(alias="owner_id")
    last_follow_up_on: dt.date | None
    next_step_on: dt.date | None
    enterprise: int | None = Field(alias="enterprise_id")
    settlement: int | None = Field(alias="settlement_id")


class FollowUpIn(Schema):
    """A follow-up on a lead."""

    kind: str
    on: dt.date
    participants: str = ""
    summary: str
    next_step: str = ""
    next_step_on: dt.date | None = None


class FollowUpOut(Schema):
    """A follow-up as the API returns it."""

    id: int
    lead: int = Field(alias="lead_id")
    kind: str
    on: dt.date
    participants: str
    summary: str
    next_step: str
    next_step_on: dt.date | None


class ProjectIn(Schema):
    """Fields to register a key project."""

    name: str = Field(max_length=150)
    level: str = "district"
    park: int | None = None
    region: str | None = None
    industry: str | None = None
    investor_enterprise: int | None = None
    investor_lead: int | None = None
    total_investment_wan: Decimal = Field(description="万元")
    fixed_asset_investment_wan: Decimal | None = Field(None, description="万元")
    note: str = ""


class ProjectOut(Schema):
    """A project as the API returns it."""

    id: int
    name: str
    level: str
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")
    stage: str
    terminated_reason: str
    total_investment_wan: Decimal
    fixed_asset_investment_wan: Decimal | None


class StageChangeIn(Schema):
    """A stage change (evidence files are uploaded through the web page)."""

    to_stage: str
    on: dt.date
    reason: str = ""


class StageChangeOut(Schema):
    """A stage change and where it stands."""

    id: int
    project: int = Field(alias="project_id")
    to_stage: str
    on: dt.date
    status: str
    reason: str
    return_reason: str


class CaseIn(Schema):
    """Fields to open a case (一事一议 / 一企一议)."""

    title: str = Field(max_length=150)
    kind: str
    request: str
    enterprise: int | None = None
    lead: int | None = None
    project: int | None = None


class CaseOut(Schema):
    """A case as the API returns it."""

    id: int
    title: str
    kind: str
    request: str
    status: str
    enterprise: int | None = Field(alias="enterprise_id")
    lead: int | None = Field(alias="lead_id")
    project: int | None = Field(alias="project_id")
    park: int | None = Field(alias="park_id")


class IndicatorOut(Schema):
    """An indicator of the dictionary."""

    id: int
    code: str
    name: str
    unit: str
    frequency: str
    aggregation: str
    basis: str
    department: str
    audience: str
    part_of: int | None = Field(alias="part_of_id")
    required: bool
    min_value: Decimal | None
    max_value: Decimal | None
    change_threshold_pct: Decimal | None
    change_action: str
    decimals: int
    active: bool


class ReportOut(Schema):
    """A statistics report: whose, for which period and park, and where it stands."""

    id: int
    round: int = Field(alias="round_id")
    year: int = Field(alias="round.year")
    month: int = Field(alias="round.month")
    frequency: str = Field(alias="round.frequency")
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str = Field(alias="enterprise.name")
    park: int = Field(alias="park_id")
    status: str
    locked: bool = Field(alias="round.locked")
    submitted_at: dt.datetime | None
    park_reviewed_at: dt.datetime | None
    approved_at: dt.datetime | None
    return_reason: str


class ReportValueOut(Schema):
    """One value of a report (``value`` is null for 无数据 or not answered)."""

    indicator: str
    value: Decimal | None
    no_data: bool
    no_data_reason: str
    explanation: str
    warning: str


class ReportDetailOut(ReportOut):
    """A report with its values."""

    values: list[ReportValueOut]


class EntryIn(Schema):
    """One indicator's entry: a number (a string may use full-width digits and separators), or 无数据."""

    indicator: str = Field(description="indicator code, e.g. output")
    value: Decimal | str | None = None
    no_data: bool = False
    no_data_reason: str = ""
    explanation: str = ""


class EntriesIn(Schema):
    """The entries of a report; ``submit`` submits it, otherwise it is saved as a draft."""

    entries: list[EntryIn]
    submit: bool = False


class ReasonIn(Schema):
    """A reason (for returning a report)."""

    reason: str


class AggregateRowOut(Schema):
    """One park's figures for the period (or the total, with ``park`` null)."""

    park: int | None
    name: str
    value: Decimal | None
    ytd: Decimal | None
    yoy_pct: Decimal | None = Field(description="同比 of 累计: % (个百分点 for a rate)")
    mom_pct: Decimal | None = Field(description="环比: % (个百分点 for a rate)")
    reporters: int
    expected: int | None
    reported: int | None
    completion_pct: Decimal | None
    per_mu: Decimal | None


class AggregatesOut(Schema):
    """Aggregates of one indicator and period over the caller's parks."""

    indicator: str
    unit: str
    year: int
    month: int
    segment: str
    parks: list[AggregateRowOut]
    total: AggregateRowOut
