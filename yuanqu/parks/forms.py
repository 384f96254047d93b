"""Forms for parks, buildings and units; errors shown beside fields, in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.models import IndustryCode
from yuanqu.core.pickers import use_picker
from yuanqu.core.selectors import regions_under

from .models import Building, Park, Unit


class ParkForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a park. The region list is limited to the user's region and below."""

    class Meta:
        model = Park
        fields = [
            "name", "region", "kind", "status", "key_level", "industries", "operator_name", "address",
            "longitude", "latitude", "land_area_mu", "floor_area_m2", "total_investment_wan", "opened_on",
            "description",
        ]
        widgets = {"opened_on": forms.DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_under(user.region_id).filter(level="county")
        self.fields["industries"].queryset = IndustryCode.objects.filter(level__in=[2, 3]).order_by("code")
        self.fields["industries"].widget.attrs["size"] = 6
        use_picker(self.fields["industries"], "industry", "pick_industry", query="levels=2,3")
        if user.role != "region_staff":
            self.fields.pop("region")

    def _post_clean(self) -> None:
        # Model validation runs in the service, which also knows the search keys and audit.
        pass


class BuildingForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a building."""

    class Meta:
        model = Building
        fields = ["name", "floors_above", "floors_below", "height_m", "floor_area_m2"]

    def _post_clean(self) -> None:
        pass


class UnitForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a unit."""

    class Meta:
        model = Unit
        fields = ["number", "floor", "area_m2", "status"]

    def _post_clean(self) -> None:
        pass
