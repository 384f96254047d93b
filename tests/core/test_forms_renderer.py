"""The form renderer writes a select exactly as Django's templates do, only faster (yuanqu/core/forms_renderer.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from yuanqu.core.forms_renderer import FastSelectRenderer
from yuanqu.core.models import IndustryCode

CHOICES: list[Any] = [
    ("", "---------"),
    ("a", "甲 <b>&</b>"),
    (1, gettext_lazy("Yes")),
    ("q\"uote", mark_safe("<i>安全</i>")),
    ("分组一", [("x", "X"), ("y", "Y & Z")]),
    ("分组<二>", [("z", "Z")]),
]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flagged = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={
        "data-picker": "industry", "disabled": True, "hidden": False, "data-n": 3, "title": 'a"b<c>',
        "data-safe": mark_safe("<x>")}))


@pytest.mark.parametrize("data", [{}, {"one": "a", "many": ["x", "z"], "flagged": "y"},
                                  {"one": "q\"uote", "many": ["1"], "flagged": ""}])
@pytest.mark.parametrize("field", ["one", "many", "flagged"])
def test_a_select_is_written_as_djangos_templates_write_it(field: str, data: dict[str, Any]) -> None:
    fast = Sample(data or None, renderer=FastSelectRenderer())[field].as_widget()
    django = Sample(data or None, renderer=DjangoTemplates())[field].as_widget()
    assert fast == django
    assert "<option" in fast


def test_a_model_choice_select_of_every_industry_is_written_the_same(db: Any) -> None:
    field = forms.ModelChoiceField(IndustryCode.objects.filter(level=4).order_by("code"))

    class F(forms.Form):
        industry = field

    fast = F({"industry": "6513"}, renderer=FastSelectRenderer())["industry"].as_widget()
    assert fast == F({"industry": "6513"}, renderer=DjangoTemplates())["industry"].as_widget()
    assert fast.count("<option") > 1000 and 'value="6513" selected' in fast


def test_a_widget_with_an_option_template_of_its_own_is_left_to_django() -> None:
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    class F(forms.Form):
        x = forms.ChoiceField(choices=[("a", "A")], widget=Marked)

    fast = F(renderer=FastSelectRenderer())["x"].as_widget()
    assert fast == F(renderer=DjangoTemplates())["x"].as_widget() and "<option" not in fast


def test_the_project_uses_it(settings: Any) -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastSelectRenderer)
