"""Forms for leads, their contacts, follow-ups, status changes, merges and conversion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin
from yuanqu.core.models import IndustryCode
from yuanqu.core.pickers import use_picker
from yuanqu.core.selectors import regions_under
from yuanqu.core.text import normalize_uscc, validate_uscc
from yuanqu.core.validators import clean_phone
from yuanqu.enterprises.forms import IndustryChoiceField
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from .models import Case, CaseMeasure, CaseMeeting, FollowUp, Lead, LeadContact, Project


def _clean_phone(value: str) -> str:
    return clean_phone(value)


class LeadForm(StyledFormMixin, forms.ModelForm):
    """Create or edit a lead; on create, with a first contact and a choice to keep it or pool it."""

    industry = IndustryChoiceField(queryset=IndustryCode.objects.filter(level=4).order_by("code"), required=False,
                                   label=_("industry"))
    contact_name = forms.CharField(required=False, max_length=60, label=_("Contact name"))
    contact_phone = forms.CharField(required=False, max_length=20, label=_("Contact phone"))
    to_pool = forms.BooleanField(required=False, label=_("Put it in the shared pool instead of owning it"))
    allow_duplicate = forms.BooleanField(required=False, label=_("This is a different company; create it anyway"))

    class Meta:
        model = Lead
        fields = ["name", "uscc", "industry", "region", "target_park", "source", "intended_investment_wan",
                  "expected_jobs", "note"]

    def __init__(self, *args: Any, user: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uscc"].validators = []
        self.fields["intended_investment_wan"].validators.append(MinValueValidator(0))
        self.fields["region"].queryset = regions_under(user.region_id)
        self.fields["region"].required = False
        self.fields["target_park"].queryset = Park.objects.visible_to(user)
        use_picker(self.fields["industry"], "industry", "pick_industry")
        use_picker(self.fields["target_park"], "park", "parks:pick")
        if user.role == "park_operator":
            self.fields["target_park"].required = True
        if not creating:
            for name in ("contact_name", "contact_phone", "to_pool", "allow_duplicate"):
                self.fields.pop(name)

    def clean_uscc(self) -> str:
        value = normalize_uscc(self.cleaned_data.get("uscc", "") or "")
        if value:
            validate_uscc(value)
        return value

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("contact_phone", ""))

    def _post_clean(self) -> None:
        # Duplicates and scope are checked by the service, which knows what the user may see.
        pass


class LeadContactForm(StyledFormMixin, forms.ModelForm):
    """Add a contact person to a lead."""

    class Meta:
        model = LeadContact
        fields = ["name", "title", "phone", "email"]

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self) -> None:
        pass


class FollowUpForm(StyledFormMixin, forms.ModelForm):
    """Log a follow-up: kind, date, participants, summary and the next step."""

    class Meta:
        model = FollowUp
        fields = ["kind", "on", "participants", "leader", "summary", "next_step", "next_step_on"]
        widgets = {"on": forms.DateInput(), "next_step_on": forms.DateInput(),
                   "summary": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self) -> None:
        pass


class StatusForm(forms.Form):
    """Move a lead to another status (已流失 needs a reason)."""

    status = forms.ChoiceField(choices=Lead.Status.choices, label=_("status"))
    reason = forms.CharField(required=False, max_length=300, label=_("reason lost"))


class MergeForm(forms.Form):
    """Merge this lead into another one (the target keeps everything)."""

    target = forms.ModelChoiceField(queryset=Lead.objects.none(), label=_("Merge into"))

    def __init__(self, *args: Any, user: Any, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Lead.objects.editable_by(user).exclude(pk=lead.pk)


class ConvertForm(StyledFormMixin, forms.Form):
    """Turn a lead into a settlement at 签约, registering the enterprise if it is new."""

    uscc = forms.CharField(label=_("unified social credit code"), max_length=22)
    name = forms.CharField(label=_("Registered name"), max_length=150)
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("park"))
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.editable_by(user)
        use_picker(self.fields["park"], "park", "parks:pick", query="edit=1")

    def clean_uscc(self) -> str:
        value = normalize_uscc(self.cleaned_data.get("uscc", ""))
        validate_uscc(value)
        return value


class ProjectForm(StyledFormMixin, forms.ModelForm):
    """Create a key project."""

    industry = IndustryChoiceField(queryset=IndustryCode.objects.filter(level=4).order_by("code"), required=False,
                                   label=_("industry"))

    class Meta:
        model = Project
        fields = ["name", "level", "park", "region", "industry", "investor_enterprise", "investor_lead",
                  "total_investment_wan", "fixed_asset_investment_wan", "note"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.editable_by(user)
        self.fields["region"].queryset = regions_under(user.region_id)
        use_picker(self.fields["park"], "park", "parks:pick", query="edit=1")
        use_picker(self.fields["industry"], "industry", "pick_industry")
        self.fields["region"].required = False
        self.fields["investor_enterprise"].queryset = Enterprise.objects.visible_to(user)
        use_picker(self.fields["investor_enterprise"], "enterprise", "enterprises:pick")
        self.fields["investor_lead"].queryset = Lead.objects.visible_to(user)
        for name in ("total_investment_wan", "fixed_asset_investment_wan"):
            self.fields[name].validators.append(MinValueValidator(0))

    def _post_clean(self) -> None:
        pass


class StageChangeForm(StyledFormMixin, forms.Form):
    """Move a project to a stage on a date, with evidence files (given as ``evidence`` uploads)."""

    to_stage = forms.ChoiceField(choices=Project.Stage.choices, label=_("stage"))
    on = forms.DateField(label=_("reached on"), widget=forms.DateInput())
    reason = forms.CharField(required=False, max_length=300, label=_("reason"))


class ReturnForm(forms.Form):
    """Return a stage change with a reason."""

    reason = forms.CharField(max_length=300, label=_("reason returned"))


class MonthForm(StyledFormMixin, forms.Form):
    """A month's planned and completed investment (万元)."""

    month = forms.DateField(label=_("month"), widget=forms.DateInput())
    planned_wan = forms.DecimalField(min_value=0, max_digits=16, decimal_places=2, label=_("planned (10k yuan)"))
    completed_wan = forms.DecimalField(min_value=0, max_digits=16, decimal_places=2,
                                       label=_("completed (10k yuan)"))


class PlanForm(StyledFormMixin, forms.Form):
    """Planned dates of every stage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in Project.ORDER:
            # Added after StyledFormMixin styled the declared fields, so styled here: a date picker, ISO value.
            self.fields[stage] = forms.DateField(required=False, label=Project.Stage(stage).label,
                                                 widget=forms.DateInput(attrs={"class": "form-control", "type": "date"},
                                                                        format="%Y-%m-%d"))


class CaseForm(StyledFormMixin, forms.Form):
    """Open a case about an enterprise, a lead or a project."""

    title = forms.CharField(max_length=150, label=_("title"))
    kind = forms.ChoiceField(choices=Case.Kind.choices, label=_("kind"))
    request = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("request"))
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), required=False, label=_("enterprise"))
    lead = forms.ModelChoiceField(queryset=Lead.objects.none(), required=False, label=_("lead"))
    project = forms.ModelChoiceField(queryset=Project.objects.none(), required=False, label=_("project"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        use_picker(self.fields["enterprise"], "enterprise", "enterprises:pick")
        self.fields["lead"].queryset = Lead.objects.visible_to(user)
        self.fields["project"].queryset = Project.objects.visible_to(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("enterprise") or data.get("lead") or data.get("project")):
            raise forms.ValidationError(_("Choose the enterprise, lead or project the case is about."),
                                        code="no_subject")
        return data


class MeetingForm(StyledFormMixin, forms.ModelForm):
    """Record a case meeting."""

    class Meta:
        model = CaseMeeting
        fields = ["on", "attendees", "minutes", "decisions"]
        widgets = {"on": forms.DateInput(), "minutes": forms.Textarea(attrs={"rows": 3}),
                   "decisions": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        pass


class MeasureForm(StyledFormMixin, forms.ModelForm):
    """Add an agreed measure."""

    class Meta:
        model = CaseMeasure
        fields = ["text", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput()}

    def _post_clean(self) -> None:
        pass


class LeadContactEditForm(LeadContactForm):
    """Edit a lead's contact. Who sees phone and e-mail masked cannot edit them either."""

    def __init__(self, *args: Any, full: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not full:
            self.fields.pop("phone")
            self.fields.pop("email")


class MeasureDoneForm(forms.Form):
    """Mark an agreed measure done on a date."""

    on = forms.DateField(label=_("done on"), widget=forms.DateInput())


class LeadProjectForm(StyledFormMixin, forms.Form):
    """Turn a lead into a key project: name, park, level and investment (万元)."""

    name = forms.CharField(label=_("name"), max_length=150)
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("park"), required=False)
    level = forms.ChoiceField(choices=Project.Level.choices, label=_("level"), initial=Project.Level.DISTRICT)
    total_investment_wan = forms.DecimalField(label=_("total investment (10k yuan)"), max_digits=16,
                                              decimal_places=2, min_value=0)
    fixed_asset_investment_wan = forms.DecimalField(label=_("fixed-asset investment (10k yuan)"), max_digits=16,
                                                    decimal_places=2, min_value=0, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = Park.objects.editable_by(user)
        use_picker(self.fields["park"], "park", "parks:pick", query="edit=1")
        if user.role == "park_operator":
            self.fields["park"].required = True


class RegionSettingForm(StyledFormMixin, forms.Form):
    """N: days without a follow-up after which an owned lead returns to the shared pool."""

    lead_stale_days = forms.IntegerField(label=_("days before an idle lead returns to the pool"), min_value=1,
                                         max_value=3650)
