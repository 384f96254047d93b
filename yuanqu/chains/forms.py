"""Forms of 产业链: choices limited to what the user may see; industry classes typed as codes (2710 2720)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.pickers import use_picker
from yuanqu.enterprises.models import Enterprise

from . import services
from .models import (
    MAX_COUNT,
    MAX_TARGET,
    MIN_YEAR,
    ChainMember,
    ChainNode,
    ChainTask,
    EcoProvider,
    FinancingEvent,
    Fund,
    InnovationPlatform,
    Level,
)
from .templates import TEMPLATES


class _Form(StyledFormMixin, forms.Form):
    """A form whose choices may depend on the user."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class ChainForm(_Form):
    """A chain's name and description."""

    name = forms.CharField(max_length=100, label=_("chain name"))
    description = forms.CharField(max_length=2000, required=False, label=_("description"), widget=forms.Textarea(
        attrs={"rows": 3}))


class TemplateForm(_Form):
    """Which shipped reference chain to load into the user's region."""

    template = forms.ChoiceField(choices=[(k, t.name) for k, t in TEMPLATES.items()], label=_("reference template"))


class MemberForm(_Form):
    """A person of the 链长制."""

    role = forms.ChoiceField(choices=ChainMember.Role.choices, label=_("chain role"))
    name = forms.CharField(max_length=50, label=_("person's name"))
    post = forms.CharField(max_length=100, required=False, label=_("post"))
    organisation = forms.CharField(max_length=100, required=False, label=_("organisation"))


class NodeForm(_Form):
    """A node: its place in the tree (parents offered are the chain's nodes above the deepest level, never the node
    itself or one below it), importance, target, classes and keywords."""

    parent = forms.ModelChoiceField(queryset=ChainNode.objects.none(), required=False, label=_("parent node"),
                                    empty_label=_("(none: a segment)"))
    name = forms.CharField(max_length=100, label=_("node name"))
    importance = forms.ChoiceField(choices=ChainNode.Importance.choices, label=_("importance"))
    target_count = forms.IntegerField(required=False, min_value=0, max_value=MAX_TARGET,
                                      label=_("target number of enterprises"))
    industries = forms.CharField(max_length=800, required=False, label=_("industry classes (GB/T 4754-2017)"),
                                 help_text=_("4-digit class codes separated by spaces, e.g. 2710 2720"))
    digital_classes = forms.CharField(max_length=400, required=False,
                                      label=_("digital-economy classes (NBS 2021)"),
                                      help_text=_("Codes of the NBS 2021 digital-economy classification separated "
                                                  "by spaces, e.g. 0301 0401; enterprises of the industry classes "
                                                  "they correspond to are suggested"))
    keywords = forms.CharField(max_length=300, required=False, label=_("keywords"),
                               help_text=_("Separated by commas; matched in enterprise names"))
    sort_order = forms.IntegerField(required=False, min_value=0, max_value=999, label=_("order"))

    def __init__(self, *args: Any, chain: Any = None, node: ChainNode | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = ChainNode.objects.filter(chain=chain, depth__lt=3)
        if node is not None:
            qs = qs.exclude(pk__in=services.descendants(node) | {node.pk})
        self.fields["parent"].queryset = qs.order_by("depth", "sort_order", "pk")  # type: ignore[attr-defined]

    def clean_industries(self) -> list[Any]:
        return services.parse_industry_codes(self.cleaned_data.get("industries") or "")

    def clean_digital_classes(self) -> list[Any]:
        return services.parse_digital_classes(self.cleaned_data.get("digital_classes") or "")


class LinkForm(_Form):
    """An enterprise placed on a node by hand."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("enterprise"))

    def __init__(self, *args: Any, region: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (  # type: ignore[attr-defined]
            Enterprise.objects.visible_to(self.user).filter(pk__in=Enterprise.objects.in_region(region).values("pk"))
            .order_by("name_pinyin"))
        # Searchable by name, pinyin or USCC; the queryset above still decides what may be posted.
        use_picker(self.fields["enterprise"], "enterprise", "enterprises:pick")


class TargetForm(_Form):
    """An external company for the node's 招商靶向清单."""

    name = forms.CharField(max_length=150, label=_("company name"))
    location = forms.CharField(max_length=100, required=False, label=_("located in"))
    reason = forms.CharField(max_length=300, required=False, label=_("why this company"))
    source = forms.CharField(max_length=100, required=False, label=_("source of the tip"))


class TargetImportForm(_Form):
    """Targets pasted from a spreadsheet, one a line: name, located in, why, source (tab or | between)."""

    lines = forms.CharField(max_length=100_000, label=_("targets, one a line"), widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("Name, located in, why, source — separated by a tab or |"))

    def clean_lines(self) -> list[dict[str, str]]:
        return services.parse_target_lines(self.cleaned_data["lines"])


class TaskForm(_Form):
    """A task of the 链长制 on a node."""

    title = forms.CharField(max_length=200, label=_("task"))
    owner = forms.CharField(max_length=50, label=_("owner"))
    due_on = forms.DateField(label=_("due on"), widget=forms.DateInput)
    status = forms.ChoiceField(choices=ChainTask.Status.choices, label=_("status"), initial=ChainTask.Status.TODO)


class TaskStatusForm(_Form):
    status = forms.ChoiceField(choices=ChainTask.Status.choices, label=_("status"))


# =========================================================================== the four chains


def _enterprise_field(form: _Form, required: bool = True) -> None:
    """The enterprise picker: the enterprises the user may see (the queryset decides what may be posted)."""
    form.fields["enterprise"] = forms.ModelChoiceField(
        queryset=Enterprise.objects.visible_to(form.user).order_by("name_pinyin"), required=required,
        label=_("enterprise"))
    use_picker(form.fields["enterprise"], "enterprise", "enterprises:pick")


def _nodes_field(form: _Form) -> None:
    form.fields["nodes"] = forms.ModelMultipleChoiceField(
        queryset=ChainNode.objects.editable_by(form.user).select_related("chain").order_by("chain", "depth",
                                                                                            "sort_order", "pk"),
        required=False, label=_("chain nodes served"), widget=forms.SelectMultiple(attrs={"size": 8}))
    form.fields["nodes"].label_from_instance = lambda n: f"{n.chain.name} › {n.name}"  # type: ignore[attr-defined]


def _year() -> forms.IntegerField:
    return forms.IntegerField(min_value=MIN_YEAR, max_value=2100, label=_("year"))


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(min_value=0, max_value=MAX_COUNT, initial=0, label=label)


class PlatformForm(_Form):
    """An innovation platform: its kind and level, the enterprise or institution holding it, the nodes served."""

    name = forms.CharField(max_length=150, label=_("platform name"))
    kind = forms.ChoiceField(choices=InnovationPlatform.Kind.choices, label=_("platform kind"))
    level = forms.ChoiceField(choices=Level.choices, label=_("level"))
    recognised_year = forms.IntegerField(min_value=MIN_YEAR, max_value=2100, label=_("year recognised"))
    holder = forms.CharField(max_length=150, required=False, label=_("held by (institution)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _enterprise_field(self, required=False)
        _nodes_field(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("enterprise") and not data.get("holder"):
            raise forms.ValidationError(_("Name the enterprise or the institution holding the platform."))
        return data


class TalentForm(_Form):
    """An enterprise's talent headcounts of a year (counts only)."""

    year = _year()
    doctors = _count(_("doctors"))
    masters = _count(_("masters"))
    senior_titles = _count(_("senior professional titles"))
    introduced_national = _count(_("introduced talent, national programmes"))
    introduced_provincial = _count(_("introduced talent, provincial programmes"))
    introduced_city = _count(_("introduced talent, city programmes"))
    introduced_district = _count(_("introduced talent, district programmes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _enterprise_field(self)
        self.order_fields(["enterprise"])


class PatentForm(_Form):
    """An enterprise's patents granted in a year."""

    year = _year()
    invention = _count(_("invention patents granted"))
    utility = _count(_("utility models granted"))
    design = _count(_("industrial designs granted"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _enterprise_field(self)
        self.order_fields(["enterprise"])


class AwardForm(_Form):
    """People of an enterprise selected by a talent programme in a year (a count, no names)."""

    year = _year()
    programme = forms.CharField(max_length=100, label=_("programme or award"))
    level = forms.ChoiceField(choices=Level.choices, label=_("level"))
    count = forms.IntegerField(min_value=1, max_value=MAX_COUNT, initial=1, label=_("people"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _enterprise_field(self)
        self.order_fields(["enterprise"])


class ProviderForm(_Form):
    """A service provider of the ecosystem and the nodes it serves."""

    name = forms.CharField(max_length=150, label=_("provider name"))
    kind = forms.ChoiceField(choices=EcoProvider.Kind.choices, label=_("service kind"))
    services = forms.CharField(max_length=300, required=False, label=_("services offered"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _nodes_field(self)


class FundForm(_Form):
    """A fund of the region (size in 万元) and the nodes it invests in."""

    name = forms.CharField(max_length=150, label=_("fund name"))
    kind = forms.ChoiceField(choices=Fund.Kind.choices, label=_("fund kind"))
    size_wan = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, label=_("fund size (10k yuan)"))
    manager = forms.CharField(max_length=150, required=False, label=_("fund manager"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _nodes_field(self)


class FinancingForm(_Form):
    """A financing an enterprise received (万元)."""

    on = forms.DateField(label=_("date"), widget=forms.DateInput)
    round = forms.ChoiceField(choices=FinancingEvent.Round.choices, label=_("financing round"))
    amount_wan = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, label=_("amount (10k yuan)"))
    investors = forms.CharField(max_length=300, label=_("investors"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _enterprise_field(self)
        self.fields["fund"] = forms.ModelChoiceField(
            queryset=Fund.objects.visible_to(self.user), required=False, label=_("fund"),
            widget=forms.Select(attrs={"class": "form-select"}))  # added after the base styled its fields
        self.order_fields(["enterprise"])
