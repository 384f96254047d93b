"""Forms of enterprise services: the catalogue, filing a request, the handler's steps, the rating."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.roles import Role
from yuanqu.core.validators import clean_phone
from yuanqu.parks.models import Park

from .models import NORM_12345, Category, Level, ResponseRule, Service


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the service checks each by content and size)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


SCORES = [(i, str(i)) for i in range(5, 0, -1)]


class RuleForm(StyledFormMixin, forms.ModelForm):
    """A priority's time allowed (district staff)."""

    class Meta:
        model = ResponseRule
        fields = ["name", "amount", "unit", "warn_hours", "basis"]
        help_texts = {"amount": NORM_12345}


class ServiceForm(StyledFormMixin, forms.Form):
    """A service of a park's catalogue or the district's."""

    name = forms.CharField(label=_("name"), max_length=100)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    park = forms.ModelChoiceField(label=_("park"), queryset=Park.objects.none(), required=False,
                                  help_text=_("Empty: a service of the district"))
    default_rule = forms.ModelChoiceField(label=_("default priority"), queryset=ResponseRule.objects.all(),
                                          help_text=NORM_12345)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    handlers = forms.MultipleChoiceField(label=_("handlers"), required=False,
                                         help_text=_("Who receives new requests; empty: the park's operators or "
                                                     "the district staff dispatch them"))
    active = forms.BooleanField(label=_("offered"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yuanqu.accounts.models import User

        self.fields["park"].queryset = Park.objects.editable_by(user)
        if user.role == Role.PARK_OPERATOR:
            self.fields["park"].required = True
        if not creating:
            del self.fields["park"]
        codes = [user.region_id[:n] for n in (2, 4, 6)] if user.region_id else []
        people = User.objects.filter(is_active=True).filter(
            role=Role.REGION_STAFF, region_id__in=codes) | User.objects.filter(
            is_active=True, role=Role.PARK_OPERATOR, parks__in=Park.objects.editable_by(user))
        self.fields["handlers"].choices = [(str(u.pk), str(u)) for u in people.distinct().order_by("username")]

    def clean_handlers(self) -> list[Any]:
        from yuanqu.accounts.models import User

        return list(User.objects.filter(pk__in=self.cleaned_data["handlers"]))


class RequestForm(StyledFormMixin, forms.Form):
    """Filing a request (by the enterprise, or by staff on its behalf)."""

    service = forms.ModelChoiceField(label=_("service"), queryset=Service.objects.none())
    rule = forms.ModelChoiceField(label=_("priority"), queryset=ResponseRule.objects.all(), required=False,
                                  help_text=NORM_12345, empty_label=_("The service's default"))
    title = forms.CharField(label=_("request title"), max_length=100)
    description = forms.CharField(label=_("request details"), widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(label=_("contact"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)
    attachments = MultipleFileField(label=_("attachments"), required=False,
                                    help_text=_("PDF or images, at most 20 MB each"))

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])


class HandlerForm(StyledFormMixin, forms.Form):
    """Dispatch or transfer to a handler."""

    handler = forms.ChoiceField(label=_("handler"))
    reason = forms.CharField(label=_("reason or note"), max_length=300, required=False)

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [(str(u.pk), str(u)) for u in handlers]
        self.handlers = {str(u.pk): u for u in handlers}

    def clean_handler(self) -> Any:
        return self.handlers[self.cleaned_data["handler"]]


class TextForm(StyledFormMixin, forms.Form):
    """One text: a note, a result, a comment."""

    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           max_length=2000)


class RatingForm(StyledFormMixin, forms.Form):
    """The requester's rating (好差评)."""

    level = forms.TypedChoiceField(label=_("overall"), choices=Level.choices, coerce=int)
    speed = forms.TypedChoiceField(label=_("response speed"), choices=SCORES, coerce=int)
    quality = forms.TypedChoiceField(label=_("result"), choices=SCORES, coerce=int)
    attitude = forms.TypedChoiceField(label=_("attitude"), choices=SCORES, coerce=int)
    comment = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=2000, help_text=_("Required for 不满意 and 非常不满意"))
