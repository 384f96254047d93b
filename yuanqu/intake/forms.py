"""The intake's forms: a text pasted or a file uploaded, with the source's title, publisher, date and address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin

from .documents import read_upload
from .models import TEXT_LIMIT


class DocumentForm(StyledFormMixin, forms.Form):
    """A source: its text pasted, or a .txt/.docx/.pdf uploaded (the file wins when both are given)."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Left empty: the first line of the text."))
    publisher = forms.CharField(label=_("Publisher"), max_length=100, required=False)
    published_on = forms.DateField(label=_("Publication date"), required=False)
    address = forms.URLField(label=_("Web address"), max_length=500, required=False, assume_scheme="https")
    # The browser may send more; the form refuses beyond the limit with its own message.
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
                           strip=False)
    upload = forms.FileField(label=_("Or upload a file (.txt, .docx, .pdf)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # binary pasted in is refused by check_text with the intake's own message, not Django's NUL validator
        self.fields["text"].validators = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        data["kind"], data["file_name"] = "paste", ""
        if upload is not None:
            try:
                text, kind = read_upload(upload.name, upload.read())
            except ValidationError as exc:
                raise ValidationError({"upload": exc.messages}) from exc
            data["text"], data["kind"], data["file_name"] = text, kind, upload.name[:200]
        text = data.get("text") or ""
        if len(text) > TEXT_LIMIT:
            raise ValidationError({"text": _("The text has %(n)d characters; at most %(max)d are read. Paste one "
                                             "article at a time.") % {"n": len(text), "max": TEXT_LIMIT}})
        from .services import check_text

        data["text"] = check_text(text)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("title", "publisher", "published_on", "address", "text", "kind", "file_name")}


class ReviewForm(forms.Form):
    """The reviewer's decision on one proposal."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("edit", _("Edit")), ("reject", _("Reject"))])
    value = forms.DecimalField(required=False, min_value=0, max_digits=18, decimal_places=2)
    expected = forms.DecimalField(required=False, max_digits=18, decimal_places=2)
    note = forms.CharField(required=False, max_length=300)
