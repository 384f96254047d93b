"""Forms of 亩均效益评价: a run, a method version (from the template, or its document edited), an input record, an
appeal and its decision. Labels are the Chinese of the evaluation documents they mirror."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from yuanqu.core.forms import NumberField, StyledFormMixin

from .models import Method


class RunForm(StyledFormMixin, forms.Form):
    """A new run: the method version (its year is the run's)."""

    method = forms.ModelChoiceField(label="评价办法", queryset=Method.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = Method.objects.visible_to(user)  # type: ignore[attr-defined]


class MethodNewForm(StyledFormMixin, forms.Form):
    """A method version for a year, from the shipped template."""

    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100)

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        if year > timezone.localdate().year:
            raise ValidationError("评价年度不能晚于今年。")
        return year


class MethodEditForm(StyledFormMixin, forms.Form):
    """A method version's name, source and document (JSON)."""

    name = forms.CharField(label="办法名称", max_length=100)
    source = forms.CharField(label="依据与出处", max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    spec = forms.CharField(label="办法内容（JSON）", max_length=50000, widget=forms.Textarea(attrs={"rows": 24}))

    def clean_spec(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data["spec"])
        except json.JSONDecodeError as exc:
            raise ValidationError(f"办法内容不是有效的JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}。") from None
        if not isinstance(value, dict):
            raise ValidationError("办法内容应为一个JSON对象。")
        return value


class InputForm(StyledFormMixin, forms.Form):
    """An enterprise's input record for a year (企业填报/核对)."""

    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100)
    value_added_wan = NumberField(label="增加值（万元）", unit="万元")
    emission_t = NumberField(label="主要污染物排放量（吨）", unit="吨")
    other_energy_tce = NumberField(label="除电力外的其他能源消费（吨标准煤）", unit="吨标准煤")
    owns_land = forms.BooleanField(label="有自有土地", required=False)
    land_parcel_mu = NumberField(label="自有土地面积（亩）", unit="亩")
    production_year = forms.IntegerField(label="投产年份", min_value=1900, max_value=2100, required=False)
    utility = forms.BooleanField(label="公用事业单位", required=False)
    relocated = forms.BooleanField(label="因政策性搬迁停产或减产", required=False)
    safety_incident = forms.BooleanField(label="发生较大及以上安全生产事故", required=False)
    environment_violation = forms.BooleanField(label="受到环保行政处罚", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("owns_land") and not data.get("land_parcel_mu"):
            self.add_error("land_parcel_mu", "有自有土地的企业应填写土地面积。")
        for name in ("emission_t", "other_energy_tce", "land_parcel_mu"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, "不能为负数。")
        return data


class AppealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(StyledFormMixin, forms.Form):
    """复核: uphold (with the corrected figures) or reject."""

    upheld = forms.TypedChoiceField(label="复核结论", choices=[("1", "申诉成立，更正数据并重新测算"),
                                                          ("0", "申诉不成立")], coerce=lambda v: v == "1")
    decision = forms.CharField(label="复核意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    value_added_wan = NumberField(label="更正：增加值（万元）", unit="万元")
    land_parcel_mu = NumberField(label="更正：自有土地面积（亩）", unit="亩")
    emission_t = NumberField(label="更正：主要污染物排放量（吨）", unit="吨")

    def corrections(self) -> dict[str, Any]:
        out = {k: self.cleaned_data[k] for k in ("value_added_wan", "land_parcel_mu", "emission_t")
               if self.cleaned_data.get(k) is not None}
        if "land_parcel_mu" in out:
            out["owns_land"] = True
        return out
