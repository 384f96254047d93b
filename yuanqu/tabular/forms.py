"""The forms of the import pages: upload, and the column mapping."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core.forms import StyledFormMixin

from .models import ImportBatch
from .reader import human_size, max_bytes
from .registry import importers_for


class UploadForm(StyledFormMixin, forms.Form):
    """Choose what to import, the file, and (for enterprises) the park new ones sign into."""

    entity = forms.ChoiceField(label=_("Data"))
    file = forms.FileField(label=_("Spreadsheet (.xlsx, .xls, .ods or .csv)"))
    park = forms.ModelChoiceField(
        label=_("Park for new enterprises"),
        queryset=ImportBatch.park_model().objects.none(),
        required=False,
        help_text=_("Used when the sheet has no park column."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [(i.entity, i.label) for i in importers_for(user)]
        self.fields["park"].queryset = ImportBatch.park_model().objects.editable_by(user)  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.xls,.ods,.csv"

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > max_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": human_size(f.size), "limit": human_size(max_bytes())},
                code="too_large",
            )
        return f
