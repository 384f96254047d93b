"""The forms of briefings: request one (a scope and a period), and edit a draft's text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.roles import Role
from yuanqu.figures.periods import Period, PeriodError, parse
from yuanqu.parks.models import Park

from .models import Briefing
from .services import MAX_SECTION_CHARS


def _month_label(month: int) -> str:
    return gettext("Month %(month)d") % {"month": month}


def _quarter_label(quarter: int) -> str:
    return gettext("Quarter %(quarter)d") % {"quarter": quarter}


month_label = lazy(_month_label, str)
quarter_label = lazy(_quarter_label, str)
MONTHS = [(m, month_label(m)) for m in range(1, 13)]

#: How the period is asked for; the fields each kind reads.
KINDS = [("range", _("January (or a chosen month) to a month")), ("month", _("One month")),
         ("quarter", _("A quarter")), ("year", _("The whole year"))]
#: The form field a period error belongs to, by the name ``figures.periods.parse`` gives.
ERROR_FIELDS = {"year": "year", "month": "month", "to_month": "month", "from_month": "from_month",
                "quarter": "quarter"}


class BriefingForm(StyledFormMixin, forms.Form):
    """Scope and period. A park operator chooses among its parks; district roles may choose the region.

    The period is a month alone, a range of months of one year (1—m月 by default), a quarter or a year, read by
    ``figures.periods.parse``: a month 0 or 13, a quarter 5, a range across years or a period that has not
    begun is refused with its Chinese message; so is one that has not ended by this month."""

    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("Scope"),
                                  empty_label=_("The whole region"))
    kind = forms.ChoiceField(label=_("Period"), choices=KINDS, required=False, initial="range")
    year = forms.CharField(label=_("Year"), max_length=10)
    from_month = forms.CharField(label=_("From month"), required=False, max_length=10, initial="1",
                                 widget=forms.Select(choices=MONTHS),
                                 help_text=_("Ranges only: the first month (1: from January)."))
    month = forms.CharField(label=_("Month"), required=False, max_length=10,
                            widget=forms.Select(choices=MONTHS),
                            help_text=_("The month alone, or the last month of the range."))
    quarter = forms.CharField(label=_("Quarter"), required=False, max_length=10,
                              widget=forms.Select(choices=[("", "—")] + [(q, quarter_label(q)) for q in range(1, 5)]))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["park"].queryset = Park.objects.visible_to(user).order_by("name_pinyin")
        this_year = timezone.localdate().year
        self.fields["year"].widget = forms.Select(choices=[(y, str(y)) for y in range(this_year, this_year - 8, -1)],
                                                  attrs={"class": "form-select"})
        if user.role == Role.PARK_OPERATOR:
            self.fields["park"].required = True
            self.fields["park"].empty_label = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind") or "range"
        if self.errors or data.get("year") in (None, ""):
            return data
        params: dict[str, Any] = {"year": data["year"]}
        needs = {"range": ["month"], "month": ["month"], "quarter": ["quarter"], "year": []}[kind]
        for name in needs:
            if data.get(name) in (None, ""):
                self.add_error(name, forms.Field.default_error_messages["required"])
        if self.errors:
            return data
        if kind == "range":
            params.update(from_month=data.get("from_month") or "1", to_month=data["month"])
        elif kind == "month":
            params["month"] = data["month"]
        elif kind == "quarter":
            params["quarter"] = data["quarter"]
        today = timezone.localdate()
        try:
            period = parse(params, today=today)
        except PeriodError as exc:
            self.add_error(ERROR_FIELDS.get(exc.field, None), exc.message)
            return data
        assert period is not None  # a year was given
        if (period.year, period.last) > (today.year, today.month):
            field = {"quarter": "quarter", "year": "year"}.get(kind, "month")
            self.add_error(field, _("The period has not ended yet."))
            return data
        data["period"] = period
        return data

    @staticmethod
    def initial_for(period: Period) -> dict[str, Any]:
        """The form's values that name ``period`` (the default period a new briefing opens on)."""
        if period.kind == "quarter":
            return {"kind": "quarter", "year": period.year, "quarter": period.last // 3}
        if period.kind == "month" and period.first == period.last and period.first != 1:
            return {"kind": "month", "year": period.year, "month": period.last}
        return {"kind": "range", "year": period.year, "from_month": period.first, "month": period.last}


class BriefingEditForm(StyledFormMixin, forms.Form):
    """A draft's bulletin name, 编发单位 and the text of each section (one paragraph per line; empty: the
    generated text)."""

    bulletin_name = forms.CharField(label=_("Bulletin name"), max_length=40)
    issuer = forms.CharField(label=_("Issued by (office)"), max_length=60)

    def __init__(self, *args: Any, briefing: Briefing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.briefing = briefing
        self.fields["bulletin_name"].initial = briefing.bulletin_name
        self.fields["issuer"].initial = briefing.issuer_name
        self.section_keys = []
        for section in briefing.sections():
            name = f"section_{section['key']}"
            self.section_keys.append(section["key"])
            self.fields[name] = forms.CharField(
                label=section["heading"], required=False, max_length=MAX_SECTION_CHARS + 500, strip=True,
                initial="\n".join(section["paragraphs"]),
                widget=forms.Textarea(attrs={"rows": max(3, min(12, 2 * len(section["paragraphs"]) + 1)),
                                             "class": "form-control briefing-edit", "lang": "zh-Hans"}),
                help_text=_("One paragraph per line. Empty: the generated text."))

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key in self.section_keys}
