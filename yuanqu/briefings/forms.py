"""The form a briefing is requested with: a scope (the whole region, or one park) and a period."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.roles import Role
from yuanqu.parks.models import Park


class BriefingForm(StyledFormMixin, forms.Form):
    """Scope and period. A park operator chooses among its parks; district roles may choose the region."""

    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("Scope"),
                                  empty_label=_("The whole region"))
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    month = forms.TypedChoiceField(label=_("Up to month"), coerce=int, initial=12,
                                   choices=[(m, _("January to %(month)d") % {"month": m}) for m in range(1, 13)],
                                   help_text=_("12: the whole year."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["park"].queryset = Park.objects.visible_to(user).order_by("name_pinyin")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, this_year - 8, -1)]
        if user.role == Role.PARK_OPERATOR:
            self.fields["park"].required = True
            self.fields["park"].empty_label = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, month = data.get("year"), data.get("month")
        today = timezone.localdate()
        if year and month and (year, month) > (today.year, today.month):
            self.add_error("month", _("The period has not ended yet."))
        return data
