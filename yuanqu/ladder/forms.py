"""Forms of the ladder pages: grant a designation, end it, advance a listing."""

from __future__ import annotations

from typing import Any

from django import forms

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.pickers import use_picker
from yuanqu.enterprises.models import Designation, Enterprise


class GrantForm(StyledFormMixin, forms.Form):
    """A designation recognised for an enterprise the user sees (a 上市后备 with its board and 辅导 date)."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label="企业")
    kind = forms.ChoiceField(choices=Designation.Kind.choices, label="认定类型")
    level = forms.ChoiceField(choices=Designation.Level.choices, required=False, label="级别")
    recognised_on = forms.DateField(label="认定日期", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(required=False, label="有效期至", widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="留空则按认定日期推算（高企等三年）")
    certificate_no = forms.CharField(max_length=60, required=False, label="证书编号")
    board = forms.ChoiceField(choices=[("", "—"), *[c for c in Enterprise.Listing.choices if c[0] != "unlisted"]],
                              required=False, label="拟上市板块", help_text="仅上市后备")
    coaching_on = forms.DateField(required=False, label="辅导备案日期", widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="仅上市后备")
    source = forms.CharField(max_length=100, required=False, label="来源", help_text="如认定文件文号")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)  # type: ignore[attr-defined]
        use_picker(self.fields["enterprise"], "enterprise", "enterprises:pick")


class EndForm(StyledFormMixin, forms.Form):
    """End a designation: revoked, or a listing withdrawn."""

    on = forms.DateField(label="终止日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(choices=[(Designation.EndReason.REVOKED, "撤销"),
                                        (Designation.EndReason.WITHDRAWN, "终止/撤回")], label="原因")


class AdvanceForm(StyledFormMixin, forms.Form):
    """A listing's next step."""

    to_stage = forms.ChoiceField(choices=[(k, v) for k, v in Designation.Stage.choices if k != "reserve"],
                                 label="进入阶段")
    on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
