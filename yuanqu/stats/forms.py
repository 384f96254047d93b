"""Forms of the statistics pages: the enterprise's report, rounds, review, the dictionary and targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import NumberField, StyledFormMixin, parse_number_input
from yuanqu.parks.models import Park

from .models import Frequency, Indicator, Report
from .selectors import History, check_entry
from .services import Entry


class ReportForm(forms.Form):
    """One row per indicator the report asks for: value, 无数据 with a reason, and an explanation.

    Field names carry the indicator's id: ``v_<id>`` the value, ``n_<id>`` 无数据, ``r_<id>`` its
    reason, ``e_<id>`` the explanation of a value that trips a check (the service's error keys).
    """

    def __init__(self, *args: Any, indicators: list[Indicator], report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.report = report
        for ind in indicators:
            self.fields[f"v_{ind.pk}"] = NumberField(label=ind.name, unit=ind.unit)
            self.fields[f"v_{ind.pk}"].widget.attrs.update({"class": "form-control text-end value-input",
                                                            "data-indicator": str(ind.pk)})
            self.fields[f"n_{ind.pk}"] = forms.BooleanField(required=False, label=_("No data"))
            self.fields[f"n_{ind.pk}"].widget.attrs.update({"class": "form-check-input no-data-box"})
            self.fields[f"r_{ind.pk}"] = forms.CharField(required=False, max_length=200, label=_("Reason"))
            self.fields[f"r_{ind.pk}"].widget.attrs.update({"class": "form-control form-control-sm",
                                                            "placeholder": _("Why there is nothing to report")})
            self.fields[f"e_{ind.pk}"] = forms.CharField(required=False, max_length=500, label=_("Explanation"))
            self.fields[f"e_{ind.pk}"].widget.attrs.update({"class": "form-control form-control-sm",
                                                            "placeholder": _("Explain the change")})

    def entries(self) -> dict[int, Entry]:
        """What was typed, as the service takes it (call after ``is_valid``)."""
        data = self.cleaned_data
        out: dict[int, Entry] = {}
        for ind in self.indicators:
            no_data = bool(data.get(f"n_{ind.pk}"))
            value = data.get(f"v_{ind.pk}")
            out[ind.pk] = Entry(value=None if no_data else value, no_data=no_data,
                                no_data_reason=data.get(f"r_{ind.pk}", "") or "",
                                explanation=data.get(f"e_{ind.pk}", "") or "")
        return out

    def typed(self, ind: Indicator) -> Decimal | None:
        """The value the form holds for ``ind`` (typed, or saved before), read as the field reads it; None when
        there is none, it is 无数据, or it cannot be read (the field shows that error)."""
        if self[f"n_{ind.pk}"].value():
            return None
        try:
            return parse_number_input(self[f"v_{ind.pk}"].value(), unit=ind.unit)
        except ValidationError:
            return None

    def rows(self, history: dict[int, History], stored: dict[int, Any], *, check: bool) -> list[dict[str, Any]]:
        """What the template shows per indicator: its fields; 本月 and 本年累计 derived from the value in the form;
        上月 and 去年同月; the stored row; and, when ``check``, the check of the value as it stands (else the warning
        stored with it)."""
        entries = {ind.pk: Entry(value=self.typed(ind)) for ind in self.indicators}
        out = []
        for ind in self.indicators:
            h = history[ind.pk]
            row = stored.get(ind.pk)
            result = check_entry(ind, entries[ind.pk], entries, h)
            # A value refused (negative, above its whole) has no month alone or 累计 worth showing.
            period, ytd = (None, None) if result.errors else h.derive(entries[ind.pk].value)
            warning = result.warning if check else (row.warning if row else "")
            out.append({
                "indicator": ind, "value": self[f"v_{ind.pk}"], "no_data": self[f"n_{ind.pk}"],
                "reason": self[f"r_{ind.pk}"], "explanation": self[f"e_{ind.pk}"], "history": h,
                "period": period, "ytd": ytd if h.adds_up else None, "warning": warning, "stored": row,
            })
        return out


def initial_for(indicators: list[Indicator], stored: dict[int, Any]) -> dict[str, Any]:
    """The form's initial data from the values saved before."""
    initial: dict[str, Any] = {}
    for ind in indicators:
        row = stored.get(ind.pk)
        if row is None:
            continue
        initial[f"v_{ind.pk}"] = "" if row.value is None else _plain(row.value, ind.decimals)
        initial[f"n_{ind.pk}"] = row.no_data
        initial[f"r_{ind.pk}"] = row.no_data_reason
        initial[f"e_{ind.pk}"] = row.explanation
    return initial


def _plain(value: Decimal, decimals: int) -> str:
    """1200.0000 → 1200; 12.3400 → 12.34 (what the user typed, without trailing zeros)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


class ReasonForm(forms.Form):
    """A reason: for returning a report or reopening a period."""

    reason = forms.CharField(max_length=500, label=_("Reason"))


class RoundForm(StyledFormMixin, forms.Form):
    """Open a reporting round for a period of the user's region."""

    frequency = forms.ChoiceField(choices=Frequency.choices, label=_("Frequency"), initial=Frequency.MONTH)
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    month = forms.IntegerField(min_value=1, max_value=12, label=_("Period-end month"),
                               help_text=_("Quarterly: 3, 6, 9 or 12. Yearly: 12."))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput())
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.none(), required=False, label=_("Indicators"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to ask for every active indicator of the frequency."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.active()
        self.fields["indicators"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frequency = data.get("frequency")
        chosen = data.get("indicators") or []
        wrong = [i.name for i in chosen if i.frequency != frequency]
        if wrong:
            self.add_error("indicators", _("These indicators are reported at another frequency: %(names)s.")
                           % {"names": "、".join(wrong)})
        return data


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    """An indicator of the dictionary."""

    class Meta:
        model = Indicator
        fields = ["code", "name", "unit", "frequency", "aggregation", "basis", "department", "audience",
                  "audience_flag", "audience_industry", "part_of", "required", "min_value", "max_value",
                  "change_threshold_pct", "change_action", "decimals", "sort_order", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["part_of"].queryset = Indicator.objects.exclude(pk=self.instance.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        audience = data.get("audience")
        if audience == Indicator.Audience.FLAG and not data.get("audience_flag"):
            self.add_error("audience_flag", _("Choose the flag of the enterprises that report it."))
        if audience == Indicator.Audience.INDUSTRY and not data.get("audience_industry"):
            self.add_error("audience_industry", _("Give the industry code (or its prefix) of the enterprises "
                                                  "that report it."))
        return data

    def _post_clean(self) -> None:
        # Copy the data onto the instance; the service validates it (full_clean) when it saves.
        opts = self._meta
        self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)


class TargetForm(StyledFormMixin, forms.Form):
    """Set the annual target of a park, or of the whole region."""

    indicator = forms.ModelChoiceField(queryset=Indicator.objects.none(), label=_("Indicator"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("Park"),
                                  empty_label=_("The whole region"))
    # Read in clean_value, in the unit of the indicator chosen (55亿 for a 万元 target is 550000).
    value = forms.CharField(max_length=40, label=_("Target"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.active()
        self.fields["park"].queryset = Park.objects.visible_to(user).order_by("name")

    def clean_value(self) -> Decimal:
        indicator = self.cleaned_data.get("indicator")
        value = parse_number_input(self.cleaned_data.get("value"), unit=indicator.unit if indicator else "")
        if value is None:
            raise ValidationError(_("Enter the target."))
        if value < 0:
            raise ValidationError(_("A target cannot be negative."))
        return Decimal(value)
