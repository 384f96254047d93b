"""Forms of 产业链: choices limited to what the user may see; industry classes typed as codes (2710 2720)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.pickers import use_picker
from yuanqu.enterprises.models import Enterprise

from . import services
from .models import MAX_TARGET, ChainMember, ChainNode, ChainTask
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
