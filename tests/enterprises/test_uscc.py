"""统一社会信用代码 (USCC, GB 32100-2015): the check digit, normalisation, and errors beside the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.helpers import Api, error_codes, error_text
from yuanqu.core.text import USCC_ALPHABET, normalize_uscc, uscc_check_digit, validate_uscc
from yuanqu.enterprises.models import Enterprise

# Codes printed on real business licences (Huawei, Tencent, the GB 32100 sample, Alibaba Beijing).
REAL_CODES = ["914403001922038216", "9144030071526726XG", "91350100M000100Y43", "91110000802100433B"]
# A code of the demo's format for 李沧区, check digit computed here: see test_it_computes_the_check_digit_by_hand.
LICANG_BODY = "91370213MA3C4L8K0"


def _by_hand(first17: str) -> str:
    """GB 32100-2015 §5, written out independently of the app: weights 3^i mod 31, C18 = 31 - sum mod 31."""
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "uscc": REAL_CODES[2], "name": "青岛校验测试有限公司", "industry": "6513", "region": "370213",
        "status": "active", "listing": "unlisted", "srdi_level": "", "registered_capital_wan": "100",
        "established_on": "2020-01-02",
    }
    data.update(overrides)
    return data


# --- unit tests of the rule --------------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_accepts_real_codes(code):
    validate_uscc(code)
    assert uscc_check_digit(code[:17]) == code[17]


def test_it_computes_the_check_digit_by_hand():
    for code in REAL_CODES:
        assert _by_hand(code[:17]) == code[17]
    digit = uscc_check_digit(LICANG_BODY)
    assert digit == _by_hand(LICANG_BODY)
    validate_uscc(LICANG_BODY + digit)


def test_it_maps_a_remainder_of_zero_to_the_digit_zero():
    # Search a body whose weighted sum is 0 mod 31: its check digit is "0", not "Y" or an IndexError.
    for n in range(10_000):
        body = f"9137021300000{n:04d}"
        if _by_hand(body) == "0":
            assert uscc_check_digit(body) == "0"
            validate_uscc(body + "0")
            return
    raise AssertionError("no body with check digit 0 found")


@pytest.mark.parametrize("code,rule", [
    ("91350100M000100Y4", "uscc_length"),
    ("91350100M000100Y433", "uscc_length"),
    ("", "uscc_length"),
    ("91350100M000100I43", "uscc_chars"),
    ("91350100M000100O43", "uscc_chars"),
    ("91350100M000100Z43", "uscc_chars"),
    ("91350100M000100S43", "uscc_chars"),
    ("91350100M000100V43", "uscc_chars"),
    ("91350100m000100Y43", "uscc_chars"),  # validate_uscc itself takes normalised input only
    ("91350100M000100Y44", "uscc_check"),
])
def test_it_refuses_a_broken_code_naming_the_rule(code, rule):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(code)
    assert exc.value.code == rule


def test_it_names_the_expected_check_digit():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91350100M000100Y44")
    assert exc.value.params == {"expected": "3", "got": "4"}
    assert "3" in exc.value.messages[0]


def test_it_names_the_wrong_characters():
    with pytest.raises(ValidationError) as exc:
        validate_uscc("91350100M0001I0O43")
    assert exc.value.params == {"chars": "I O"}


def test_it_normalises_case_spaces_and_full_width_characters():
    assert normalize_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert normalize_uscc("9135 0100 M000 100Y 43") == "91350100M000100Y43"
    assert normalize_uscc("\u3000９１３５０１００Ｍ０００１００Ｙ４３\u3000") == "91350100M000100Y43"
    assert normalize_uscc("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"
    validate_uscc(normalize_uscc("９１３５０１００ｍ０００１００ｙ４３"))


# --- through the enterprise form --------------------------------------------------------------


@pytest.mark.parametrize("code,rule", [
    ("91350100M000100Y4", "uscc_length"),
    ("91350100M000100Y43X", "uscc_length"),
    ("91350100M000100I43", "uscc_chars"),
    ("91350100M000100O43", "uscc_chars"),
    ("91350100M000100Z43", "uscc_chars"),
    ("91350100M000100S43", "uscc_chars"),
    ("91350100M000100V43", "uscc_chars"),
    ("91350100M000100Y44", "uscc_check"),
])
def test_it_shows_the_broken_rule_beside_the_uscc_field(world, client_as, code, rule):
    before = Enterprise.objects.count()
    response = client_as("region_staff").post(reverse("enterprises:create"), _form(uscc=code))
    assert response.status_code == 200
    assert error_codes(response, "uscc") == [rule]
    assert 'data-error-for="uscc"' in response.content.decode()
    assert error_codes(response) == []  # nothing on top of the form: the error sits beside the field
    assert Enterprise.objects.count() == before


def test_it_tells_the_expected_check_digit_in_the_form(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"), _form(uscc="91350100M000100Y4A"))
    assert error_codes(response, "uscc") == ["uscc_check"]
    assert "3" in error_text(response, "uscc")
    html = response.content.decode()
    start = html.index('data-error-for="uscc"')
    assert "3" in html[start:html.index("</div>", start)]


def test_it_requires_the_uscc(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"), _form(uscc=""))
    assert error_codes(response, "uscc") == ["required"]
    assert 'data-error-for="uscc"' in response.content.decode()


def test_it_accepts_lower_case_and_full_width_input_and_stores_it_normalised(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"),
                                              _form(uscc=" 9135 0100 m000 100y 43 "))
    assert response.status_code == 302, response.context["form"].errors
    assert Enterprise.objects.get(name="青岛校验测试有限公司").uscc == "91350100M000100Y43"

    full_width = "９１４４０３００１９２２０３８２１６"
    response = client_as("region_staff").post(reverse("enterprises:create"),
                                              _form(uscc=full_width, name="青岛全角有限公司"))
    assert response.status_code == 302, response.context["form"].errors
    assert Enterprise.objects.get(name="青岛全角有限公司").uscc == "914403001922038216"


def test_it_checks_the_uscc_on_edit_too(world, client_as):
    e = world.ent_xltd
    response = client_as("region_staff").post(reverse("enterprises:edit", args=[e.pk]),
                                              _form(uscc=e.uscc[:17] + ("0" if e.uscc[17] != "0" else "1"),
                                                    name=e.name))
    assert error_codes(response, "uscc") == ["uscc_check"]
    e.refresh_from_db()
    assert e.uscc == world.ent_xltd.uscc


def test_it_refuses_a_bad_uscc_in_the_api_by_field(world):
    api = Api(world.user("region_staff"))
    body = {"uscc": "91350100M000100Y44", "name": "青岛接口测试有限公司", "region": "370213"}
    response = api.post("/api/enterprises/", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["uscc"]
    assert "3" in response.json()["errors"]["uscc"][0]
    assert not Enterprise.objects.filter(name="青岛接口测试有限公司").exists()

    response = api.post("/api/enterprises/", {**body, "uscc": "91350100m000100y43"})
    assert response.status_code == 201, response.json()
    assert response.json()["uscc"] == "91350100M000100Y43"
