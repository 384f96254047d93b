"""Forms of 科技服务: choices limited to what the user may see; amounts typed as people type them (万元)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import NumberField, StyledFormMixin
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from .models import (
    Achievement,
    Activity,
    CoopActivity,
    CoopBase,
    FinancingEvent,
    Incubatee,
    Incubator,
    IPType,
    Match,
    Mentor,
    Partner,
    TechContract,
    TechField,
    Track,
)

DATE = forms.DateInput


class _Form(StyledFormMixin, forms.Form):
    """A form whose choices depend on the user."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


def _parks(user: Any) -> Any:
    return Park.objects.visible_to(user).order_by("name_pinyin")


def _enterprises(user: Any) -> Any:
    return Enterprise.objects.visible_to(user).order_by("name_pinyin")


class IncubatorForm(_Form):
    """The profile of an incubator (the park is chosen on creation only)."""

    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("park"))
    name = forms.CharField(max_length=150, required=False, label=_("name"))
    programme = forms.ChoiceField(choices=Incubator.Programme.choices, label=_("programme"))
    level = forms.ChoiceField(choices=Incubator.Level.choices, label=_("level"))
    kind = forms.ChoiceField(choices=Incubator.Kind.choices, label=_("type"))
    industry = forms.CharField(max_length=100, required=False, label=_("industry of a specialised incubator"))
    area_m2 = NumberField(label=_("incubation area (m²)"), unit="")
    public_area_m2 = NumberField(label=_("public service area (m²)"), unit="")
    fund_wan = NumberField(label=_("incubation fund (10k yuan)"), unit="万元")
    staff = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("professional incubation staff"))
    recognised_on = forms.DateField(required=False, widget=DATE, label=_("recognised on"))

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["park"].queryset = _parks(self.user).filter(incubator__isnull=True)
        else:
            del self.fields["park"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("area_m2", "public_area_m2", "fund_wan"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class MentorForm(_Form):
    name = forms.CharField(max_length=60, label=_("full name"))
    fields_of_expertise = forms.CharField(max_length=200, required=False, label=_("fields"))
    organisation = forms.CharField(max_length=150, required=False, label=_("organisation"))


class ActivityForm(_Form):
    kind = forms.ChoiceField(choices=Activity.Kind.choices, label=_("kind"))
    title = forms.CharField(max_length=150, label=_("title"))
    on = forms.DateField(widget=DATE, label=_("date"))
    attendance = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("attendance"))
    incubatees = forms.ModelMultipleChoiceField(queryset=Incubatee.objects.none(), required=False,
                                                label=_("incubatees attending"))

    def __init__(self, *args: Any, incubator: Incubator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if incubator is not None:
            self.fields["incubatees"].queryset = incubator.incubatees.select_related("enterprise")
            self.fields["incubatees"].label_from_instance = lambda i: i.enterprise.name


class IncubatorYearForm(_Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("year"))
    income_service_wan = NumberField(label=_("income from comprehensive services (10k yuan)"), unit="万元")
    income_property_wan = NumberField(label=_("income from property (10k yuan)"), unit="万元")
    income_investment_wan = NumberField(label=_("income from investment (10k yuan)"), unit="万元")
    income_other_wan = NumberField(label=_("other income (10k yuan)"), unit="万元")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if name.endswith("_wan"):
                if value is None:
                    data[name] = 0
                elif value < 0:
                    self.add_error(name, _("Amounts cannot be negative."))
        return data


class ApplyForm(_Form):
    """An enterprise applying to an incubator."""

    incubator = forms.ModelChoiceField(queryset=Incubator.objects.none(), label=_("incubator"))
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("enterprise"))
    applied_on = forms.DateField(widget=DATE, label=_("applied on"))
    track = forms.ChoiceField(choices=Track.choices, label=_("industry track"))
    area_m2 = NumberField(label=_("incubation area used (m²)"), unit="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incubator"].queryset = Incubator.objects.editable_by(self.user)
        self.fields["enterprise"].queryset = _enterprises(self.user)

    def clean_area_m2(self) -> Any:
        value = self.cleaned_data.get("area_m2")
        if value is not None and value < 0:
            raise forms.ValidationError(_("The area cannot be negative."))
        return 0 if value is None else value


class AdvanceForm(_Form):
    status = forms.ChoiceField(choices=[c for c in Incubatee.Status.choices if c[0] != "graduated"],
                               label=_("status"))
    on = forms.DateField(widget=DATE, label=_("date"))
    reason = forms.CharField(max_length=300, required=False, label=_("reason"))
    accept_reason = forms.CharField(max_length=500, required=False,
                                    label=_("reason for accepting the warnings"))


class GraduateForm(_Form):
    on = forms.DateField(widget=DATE, label=_("date"))
    criterion = forms.ChoiceField(choices=[("", _("The first criterion met")), *Incubatee.Criterion.choices],
                                  required=False, label=_("graduation criterion"))
    acquired = forms.BooleanField(required=False, label=_("Acquired (兼并、收购)"))
    note = forms.CharField(max_length=300, required=False, label=_("note"))


class FinancingForm(_Form):
    on = forms.DateField(widget=DATE, label=_("date"))
    round = forms.ChoiceField(choices=FinancingEvent.Round.choices, label=_("round"))
    amount_wan = NumberField(label=_("amount (10k yuan)"), unit="万元", required=True)
    investor = forms.CharField(max_length=150, label=_("investor"))

    def clean_amount_wan(self) -> Any:
        value = self.cleaned_data.get("amount_wan")
        if value is not None and value < 0:
            raise forms.ValidationError(_("Amounts cannot be negative."))
        return value


class IncubateeYearForm(_Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("year"))
    patents_applied = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("patents applied"))
    patents_granted = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("patents granted"))
    software_copyrights = forms.IntegerField(min_value=0, max_value=100000, initial=0,
                                             label=_("software copyrights"))
    valid_ip = forms.IntegerField(min_value=0, max_value=100000, initial=0, label=_("valid IP held"))
    revenue_wan = NumberField(label=_("declared revenue (10k yuan)"), unit="万元")
    rd_wan = NumberField(label=_("declared R&D (10k yuan)"), unit="万元")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("revenue_wan", "rd_wan"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Amounts cannot be negative."))
        return data


class MentorsForm(_Form):
    mentors = forms.ModelMultipleChoiceField(queryset=Mentor.objects.none(), required=False, label=_("mentors"))

    def __init__(self, *args: Any, incubator: Incubator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if incubator is not None:
            self.fields["mentors"].queryset = incubator.mentors.all()


class ContractForm(_Form):
    """A technology contract as the registry records it."""

    registration_no = forms.CharField(max_length=40, label=_("registration number"))
    title = forms.CharField(max_length=200, label=_("title"))
    kind = forms.ChoiceField(choices=TechContract.Kind.choices, label=_("kind"))
    field = forms.ChoiceField(choices=TechField.choices, label=_("technology field"))
    ip_type = forms.ChoiceField(choices=IPType.choices, label=_("IP type"))
    signed_on = forms.DateField(widget=DATE, label=_("signed on"))
    registered_on = forms.DateField(widget=DATE, label=_("registered on"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("park"))
    seller = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False,
                                    label=_("seller (enterprise)"))
    seller_name = forms.CharField(max_length=150, required=False, label=_("seller"),
                                  help_text=_("When the seller is not an enterprise of the registry"))
    seller_in_district = forms.BooleanField(required=False, label=_("seller in the district"))
    buyer = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False, label=_("buyer (enterprise)"))
    buyer_name = forms.CharField(max_length=150, required=False, label=_("buyer"),
                                 help_text=_("When the buyer is not an enterprise of the registry"))
    buyer_in_district = forms.BooleanField(required=False, label=_("buyer in the district"))
    total_wan = NumberField(label=_("contract total (10k yuan)"), unit="万元", required=True,
                            help_text=_("合同交易总额, in 万元"))
    tech_wan = NumberField(label=_("technology transaction amount (10k yuan)"), unit="万元", required=True,
                           help_text=_("技术交易额, in 万元"))
    match = forms.ModelChoiceField(queryset=Match.objects.none(), required=False, label=_("match"))

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["park"].queryset = _parks(self.user)
            self.fields["seller"].queryset = _enterprises(self.user)
            self.fields["buyer"].queryset = _enterprises(self.user)
            self.fields["match"].queryset = Match.objects.editable_by(self.user).exclude(status="registered")
        else:
            for name in ("registration_no", "park", "seller", "buyer", "match"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for side in ("seller", "buyer"):
            if side in self.fields and not data.get(side) and not (data.get(f"{side}_name") or "").strip():
                self.add_error(f"{side}_name", _("Name the party, or choose its enterprise."))
        return data


class NeedForm(_Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("enterprise"))
    title = forms.CharField(max_length=200, label=_("title"))
    field = forms.ChoiceField(choices=TechField.choices, label=_("technology field"))
    budget_wan = NumberField(label=_("budget (10k yuan)"), unit="万元")
    deadline = forms.DateField(required=False, widget=DATE, label=_("deadline"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("description"))
    publish = forms.BooleanField(required=False, label=_("Publish at once"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises(self.user)
        if getattr(self.user, "enterprise_id", None):
            self.fields["enterprise"].initial = self.user.enterprise_id


class AchievementForm(_Form):
    owner_kind = forms.ChoiceField(choices=Achievement.OwnerKind.choices, label=_("owner kind"))
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False, label=_("enterprise"))
    owner_name = forms.CharField(max_length=150, required=False, label=_("owner"))
    title = forms.CharField(max_length=200, label=_("title"))
    field = forms.ChoiceField(choices=TechField.choices, label=_("technology field"))
    maturity = forms.ChoiceField(choices=Achievement.Maturity.choices, label=_("maturity"))
    ip_type = forms.ChoiceField(choices=IPType.choices, label=_("IP type"))
    terms = forms.CharField(max_length=300, required=False, label=_("asking terms"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("park"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("description"))
    publish = forms.BooleanField(required=False, label=_("Publish at once"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = _enterprises(self.user)
        self.fields["park"].queryset = _parks(self.user)


class MatchForm(_Form):
    achievement = forms.ModelChoiceField(queryset=Achievement.objects.none(), label=_("achievement"))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("note"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = Achievement.objects.visible_to(self.user).filter(status="published")


class MatchAdvanceForm(_Form):
    status = forms.ChoiceField(choices=Match.Status.choices[1:3], label=_("status"))


class FollowUpForm(_Form):
    on = forms.DateField(widget=DATE, label=_("date"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label=_("summary"))


class PartnerForm(_Form):
    name = forms.CharField(max_length=150, label=_("name"))
    country = forms.CharField(max_length=60, label=_("country"))
    kind = forms.ChoiceField(choices=Partner.Kind.choices, label=_("type"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("park"))
    contact_name = forms.CharField(max_length=60, required=False, label=_("contact"))
    contact_email = forms.EmailField(required=False, label=_("e-mail"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = _parks(self.user)


class AgreementForm(_Form):
    title = forms.CharField(max_length=200, label=_("title"))
    signed_on = forms.DateField(widget=DATE, label=_("signed on"))
    ends_on = forms.DateField(required=False, widget=DATE, label=_("ends on"))
    scope_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("scope"))


class CoopActivityForm(_Form):
    kind = forms.ChoiceField(choices=CoopActivity.Kind.choices, label=_("kind"))
    title = forms.CharField(max_length=200, label=_("title"))
    starts_on = forms.DateField(widget=DATE, label=_("starts on"))
    ends_on = forms.DateField(required=False, widget=DATE, label=_("ends on"))
    participants = forms.CharField(max_length=500, required=False, label=_("participants"))


class CoopProjectForm(_Form):
    title = forms.CharField(max_length=200, label=_("title"))
    starts_on = forms.DateField(widget=DATE, label=_("starts on"))
    enterprises = forms.ModelMultipleChoiceField(queryset=Enterprise.objects.none(), required=False,
                                                 label=_("enterprises"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprises"].queryset = _enterprises(self.user)


class BaseForm(_Form):
    name = forms.CharField(max_length=150, label=_("name"))
    kind = forms.ChoiceField(choices=CoopBase.Kind.choices, label=_("kind"))
    level = forms.ChoiceField(choices=CoopBase.Level.choices, label=_("level"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("park"))
    recognised_on = forms.DateField(required=False, widget=DATE, label=_("recognised on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = _parks(self.user)


