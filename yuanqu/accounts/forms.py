"""Log-in, user administration and API token forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.roles import GRANTABLE_BY_REGION_ADMIN
from yuanqu.core.selectors import regions_under
from yuanqu.core.text import normalize_uscc
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.selectors import enterprise_find_by_uscc
from yuanqu.parks.models import Park

from .models import User


class LoginForm(StyledFormMixin, forms.Form):
    """User name and password."""

    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class OTPCodeForm(StyledFormMixin, forms.Form):
    """A six-digit code of the authenticator app, or a recovery code."""

    code = forms.CharField(label=_("Verification code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                                         "autofocus": True}))


class PasswordChangeForm(StyledFormMixin, forms.Form):
    """The current password and the new one twice; the rules and the history are checked by the service."""

    old_password = forms.CharField(label=_("Current password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password1 = forms.CharField(label=_("New password"), strip=False, max_length=128,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False, max_length=128,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", forms.ValidationError(_("The two new passwords differ."),
                                                                  code="password_mismatch"))
        return data


class UserForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a business user in the admin's region; the enterprise is picked by USCC."""

    parks = forms.ModelMultipleChoiceField(queryset=Park.objects.none(), required=False, label=_("parks"))
    enterprise_uscc = forms.CharField(label=_("Enterprise (unified social credit code)"), required=False,
                                      max_length=22)

    class Meta:
        model = User
        fields = ["username", "display_name", "email", "phone", "role", "region", "is_active"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = [(r.value, r.label) for r in GRANTABLE_BY_REGION_ADMIN]
        self.fields["region"].queryset = regions_under(actor.region_id)
        # An admin sees park names to assign operators: nothing else of the parks' data.
        self.fields["parks"].queryset = Park.objects.in_region(actor.region_id)
        self.fields["parks"].widget.attrs["size"] = 6
        if self.instance.pk:
            self.fields["parks"].initial = list(self.instance.parks.values_list("pk", flat=True))
            if self.instance.enterprise_id:
                self.fields["enterprise_uscc"].initial = self.instance.enterprise.uscc  # type: ignore[union-attr]

    def clean_enterprise_uscc(self) -> Enterprise | None:
        value = normalize_uscc(self.cleaned_data.get("enterprise_uscc", ""))
        if not value:
            return None
        return enterprise_find_by_uscc(user=self.actor, uscc=value)

    def _post_clean(self) -> None:
        pass


class TokenForm(StyledFormMixin, forms.Form):
    """Name and lifetime of a new API token."""

    name = forms.CharField(label=_("Name"), max_length=60)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=365, initial=90)


class OwnDetailsForm(StyledFormMixin, forms.ModelForm):
    """The signed-in user's own name, e-mail and phone (the security page)."""

    class Meta:
        from .models import User

        model = User
        fields = ["display_name", "email", "phone"]

    def clean_phone(self) -> str:
        from yuanqu.core.validators import clean_phone

        return clean_phone(self.cleaned_data.get("phone"))
