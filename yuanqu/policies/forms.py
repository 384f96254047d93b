"""Forms of the policy pages: policies, clauses with their rule editor, rule tests, reviews, agreements."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import IndustryCode

from .models import Agreement, Application, Clause, Commitment, FailureClause, Policy, RuleTest


class JSONTextField(forms.CharField):
    """A JSON document typed into a textarea; a syntax error names the line and column, in Chinese."""

    widget = forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"})

    def __init__(self, *args: Any, allow_empty: bool = False, **kwargs: Any) -> None:
        self.allow_empty = allow_empty
        kwargs.setdefault("required", not allow_empty)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value: Any) -> Any:
        text = (value or "").strip()
        if not text:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON at line %(line)s, column %(col)s: %(msg)s"),
                code="json", params={"line": exc.lineno, "col": exc.colno, "msg": exc.msg}) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(_("Write a JSON object ({…})."), code="json")
        return data


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    industry_codes = forms.CharField(label=_("Industry codes"), required=False,
                                     help_text=_("GB/T 4754-2017 codes separated by commas"))

    class Meta:
        model = Policy
        fields = ["title", "doc_number", "issuer", "level", "effective_on", "expires_on", "status", "text", "tags"]
        widgets = {"effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["industry_codes"] = ",".join(self.instance.industries.values_list("pk", flat=True))

    def clean_industry_codes(self) -> list[IndustryCode]:
        codes = [c.strip() for c in self.cleaned_data.get("industry_codes", "").replace("，", ",").split(",")
                 if c.strip()]
        found = {i.pk: i for i in IndustryCode.objects.filter(pk__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(_("Unknown industry codes: %(codes)s"), params={"codes": "、".join(missing)})
        return [found[c] for c in codes]

    def service_data(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["industries"] = self.cleaned_data["industry_codes"]
        return data


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total_yuan = forms.DecimalField(label=_("Budget (yuan)"), min_value=0, max_digits=16, decimal_places=2)


class ClauseForm(forms.ModelForm):  # type: ignore[type-arg]
    rule = JSONTextField(label=_("Eligibility rule (JsonLogic)"))
    amount_rule = JSONTextField(label=_("Amount rule"), allow_empty=True,
                                help_text=_('{"fixed": 200000} or {"rate_pct": 10, "of": "rnd"} or banded rates'))

    class Meta:
        model = Clause
        fields = ["number", "title", "benefit", "stats_year", "rule", "amount_rule", "cap_yuan", "no_application",
                  "beneficiaries", "conditions_text", "evidence", "payout_days", "office", "phone"]
        widgets = {"conditions_text": forms.Textarea(attrs={"rows": 3}), "evidence": forms.Textarea(attrs={"rows": 3})}


class RuleTestForm(forms.ModelForm):  # type: ignore[type-arg]
    facts = JSONTextField(label=_("Facts"), help_text=_('e.g. {"is_high_tech": true, "revenue": 5000}; '
                                                        'leave a fact out (or null) for data missing'),
                          allow_empty=True)

    class Meta:
        model = RuleTest
        fields = ["name", "facts", "expected"]


class MoveForm(forms.Form):
    move = forms.ChoiceField(label=_("Action"), choices=[(m, m) for m in (
        "supplement", "review", "return", "archive", "publicity_end", "objection_upheld", "objection_rejected")])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ApproveForm(forms.Form):
    amount_yuan = forms.DecimalField(label=_("Amount (yuan)"), max_digits=16, decimal_places=2, required=False)
    reason = forms.CharField(label=_("Reason for a changed amount"), max_length=300, required=False)
    publicity_days = forms.IntegerField(label=_("Public notice (days, 0 for none)"), min_value=0, max_value=30,
                                        initial=0)


class PayoutForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class SupplementForm(forms.Form):
    evidence_note = forms.CharField(label=_("Evidence supplied"), widget=forms.Textarea(attrs={"rows": 3}))


class ApplyForm(forms.Form):
    evidence_note = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AgreementForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Agreement
        fields = ["title", "enterprise", "project", "case", "park", "land_parcel", "land_area_mu", "signed_on",
                  "full_production_on", "deposit_yuan"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "full_production_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yuanqu.enterprises.models import Enterprise
        from yuanqu.investment.models import Case, Project
        from yuanqu.parks.models import Park

        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["project"].queryset = Project.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["case"].queryset = Case.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["park"].queryset = Park.objects.visible_to(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        signed, full = data.get("signed_on"), data.get("full_production_on")
        if signed and full and full < signed:
            self.add_error("full_production_on", _("The full-production date cannot be before signing."))
        return data


class CommitmentForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Commitment
        fields = ["year", "indicator", "target", "unit", "basis", "tolerance_pct"]


class FailureClauseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FailureClause
        fields = ["kind", "share_pct", "interest_rate_pct", "per_mu_yuan", "fixed_yuan", "per_shortfall_pct", "note"]


class StepForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Next stage"), choices=Agreement.Stage.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


APPLICATION_STATUSES = Application.Status.choices
