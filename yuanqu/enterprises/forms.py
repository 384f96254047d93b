"""Forms for enterprises, contacts and settlements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.models import IndustryCode
from yuanqu.core.pickers import use_picker
from yuanqu.core.selectors import regions_under
from yuanqu.core.text import mask_email, mask_phone, normalize_uscc, validate_uscc
from yuanqu.parks.models import Park, Unit
from yuanqu.parks.selectors import unit_label, units_of_park

from .models import DESIGNATION_FIELDS, ENTERPRISE_FIELDS, LADDER_FIELDS, Contact, Enterprise, Settlement


class IndustryChoiceField(forms.ModelChoiceField):
    """An industry class (小类), labelled with its code."""

    def label_from_instance(self, obj: IndustryCode) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.name}"


class EnterpriseForm(StyledFormMixin, forms.ModelForm):
    """Create or edit an enterprise; on create, optionally sign it into a park."""

    industry = IndustryChoiceField(queryset=IndustryCode.objects.filter(level=4).order_by("code"), required=False,
                                   label=_("industry"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("Sign into park"))
    signed_on = forms.DateField(required=False, label=_("Signed on"), widget=forms.DateInput())

    class Meta:
        model = Enterprise
        # 高企, 专精特新 and listing are granted on the 梯度培育 page with their dates (Designation), not ticked here
        fields = [n for n in ENTERPRISE_FIELDS if n not in LADDER_FIELDS]
        widgets = {"established_on": forms.DateInput()}

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uscc"].validators = []  # checked in clean_uscc after normalising
        self.fields["uscc"].widget.attrs.update({"maxlength": 22, "autocomplete": "off"})
        self.fields["region"].queryset = regions_under(user.region_id[:2])
        use_picker(self.fields["industry"], "industry", "pick_industry")
        if creating:
            self.fields["park"].queryset = Park.objects.editable_by(user)
            use_picker(self.fields["park"], "park", "parks:pick", query="edit=1")
            if user.role == "park_operator":
                self.fields["park"].required = True
        else:
            self.fields.pop("park")
            self.fields.pop("signed_on")
            if user.role == "enterprise_user":
                self.fields.pop("uscc")
                self.fields.pop("region")
                for name in (n for n in DESIGNATION_FIELDS if n in self.fields):  # a request staff confirm
                    self.fields[name].help_text = _("A change is sent to district staff to confirm.")
            elif user.role != "region_staff":
                for name in (n for n in DESIGNATION_FIELDS if n in self.fields):  # district staff's (M7)
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Set by district staff.")
                self.fields["uscc"].disabled = True  # corrected by district staff only (no existence oracle)
                self.fields["uscc"].help_text = _("A unified social credit code is corrected by district staff.")

    def clean_uscc(self) -> str:
        value = normalize_uscc(self.cleaned_data.get("uscc", ""))
        validate_uscc(value)
        return value

    def _post_clean(self) -> None:
        # Uniqueness is checked by the service, which knows what the user may see.
        pass


class ContactForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a contact person."""

    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]

    def __init__(self, *args: Any, masked: bool = False, **kwargs: Any) -> None:
        """``masked``: the user may change but not read the stored phone and e-mail (a park operator), so the
        form shows them masked, and a masked value sent back unchanged keeps the stored one."""
        super().__init__(*args, **kwargs)
        self.stored = {f: getattr(self.instance, f) for f in ("phone", "email")} if masked else {}
        if masked:
            for name, mask in (("phone", mask_phone), ("email", mask_email)):
                if self.stored[name]:
                    self.initial[name] = mask(self.stored[name])
                    self.fields[name].help_text = _("Shown masked; leave it as it is to keep the stored value.")

    def _unchanged_mask(self, name: str, value: str) -> bool:
        stored = self.stored.get(name) or ""
        mask = mask_phone if name == "phone" else mask_email
        return bool(stored) and value.strip() == mask(stored)

    def clean_email(self) -> str:
        email = str(self.cleaned_data.get("email", ""))
        return self.stored["email"] if self._unchanged_mask("email", email) else email

    def clean_phone(self) -> str:
        if self._unchanged_mask("phone", str(self.cleaned_data.get("phone", ""))):
            return str(self.stored["phone"])
        phone = self.cleaned_data.get("phone", "").replace(" ", "").replace("-", "")
        if phone and not (phone.isdigit() and 7 <= len(phone) <= 12 or phone.startswith("+") and phone[1:].isdigit()):
            raise forms.ValidationError(_("Enter a mobile or landline number of digits only, e.g. 13812345678."))
        return phone

    def _post_clean(self) -> None:
        pass


class SettlementCreateForm(StyledFormMixin, forms.Form):
    """Sign an existing enterprise (found by USCC) into a park."""

    uscc = forms.CharField(label=_("unified social credit code"), max_length=22)
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("park"))
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput())
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["park"].queryset = Park.objects.editable_by(user)
        use_picker(self.fields["park"], "park", "parks:pick", query="edit=1")

    def clean_uscc(self) -> str:
        # Only the code's form here: what it names is looked up once, by the service, in the user's scope.
        value = normalize_uscc(self.cleaned_data.get("uscc", ""))
        validate_uscc(value)
        return value


class RejectForm(StyledFormMixin, forms.Form):
    """The reason for rejecting a request, which the requester reads."""

    reason = forms.CharField(label=_("reason"), max_length=200)


class AdvanceForm(forms.Form):
    """Move a settlement to a later stage on a date (退出 needs a reason)."""

    to_stage = forms.ChoiceField(choices=Settlement.Stage.choices, label=_("stage"))
    on = forms.DateField(label=_("Date"))
    reason = forms.CharField(required=False, max_length=200, label=_("exit reason"))


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Units labelled ``主塔楼 · 12层 · 1201 · 120㎡ · 空置``."""

    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return unit_label(obj)


class UnitsForm(StyledFormMixin, forms.Form):
    """Choose the units a settlement occupies: the park's units, vacant and reserved first (a searchable picker
    with JavaScript, a list box without)."""

    units = UnitChoiceField(queryset=Unit.objects.none(), required=False, label=_("units"))
    on = forms.DateField(label=_("Date"), widget=forms.DateInput())

    def __init__(self, *args: Any, settlement: Settlement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The settlement was found in the user's scope (editable), and its park with it.
        self.fields["units"].queryset = units_of_park(Unit.objects.all(), settlement.park)
        self.fields["units"].widget.attrs["size"] = 10
        use_picker(self.fields["units"], "unit", "parks:pick_units", args=[settlement.park_id],
                   query=f"settlement={settlement.pk}")
