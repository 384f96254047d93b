"""Browser security headers on every page (issue 12, L6 and deliverable 3).

Every page of the project (each GET pattern of the scope matrix, as a role allowed to see it) carries a
Content-Security-Policy whose scripts are limited to this site and the response's own nonce (no
'unsafe-inline', no 'unsafe-eval'), every <script> on the page carries that nonce and a src, a
Permissions-Policy that denies camera, microphone and geolocation, and — the user being signed in —
``Cache-Control: no-store``. The security headers the project had before stay.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, login
from tests.test_scope_matrix import CASES, bundles, matrix_world

#: GET pages (not the API, not the probes that redirect): the pages a browser shows.
PAGES = sorted(name for name, case in CASES.items()
               if case.method == "GET" and not case.api and not case.redirects and name != "healthz")
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=]{16,})'")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


def directives(header: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check_csp(response: Any, where: str, *, nonce: bool = True) -> str:
    """The response's policy is the strict one; returns its nonce ("" for a fragment that asked for none)."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy"
    csp = directives(header)
    assert csp["default-src"] == ["'self'"], (where, header)
    script = csp["script-src"]
    assert "'self'" in script and not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*"} & set(script), (
        where, header)
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"], (where, header)
    assert "'unsafe-inline'" not in csp["style-src"], (where, header)
    match = NONCE.search(" ".join(script))
    assert match or not nonce, f"{where}: no nonce in script-src: {header}"
    return match.group(1) if match else ""


def check_scripts(html: str, nonce: str, where: str) -> None:
    """Every script element of the page is a file from this site and carries the response's nonce (a JSON
    data block, which the browser never runs, aside)."""
    scripts = [a for a in SCRIPT.findall(html) if 'type="application/json"' not in a]
    for attrs in scripts:
        assert re.search(r'\bsrc="/', attrs), f"{where}: an inline script: <script{attrs}>"
        assert f'nonce="{nonce}"' in attrs, f"{where}: a script without the nonce: <script{attrs}>"


def check_other_headers(response: Any, where: str) -> None:
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy, (where, policy)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where


def fetch_page(world: World, name: str) -> tuple[Any, str]:
    case = CASES[name]
    role = sorted(case.allowed)[0]
    inside = bundles(world)["xltd"]
    url = reverse(name, kwargs=case.kwargs(inside) if case.kwargs else None) + case.query
    client = Client() if case.public else login(Client(), world.users[role])
    return client.get(url), f"{name} as {role}"


@pytest.mark.parametrize("name", PAGES)
def test_it_sends_the_headers_on_every_page(world: World, name: str) -> None:
    response, where = fetch_page(matrix_world(world), name)
    assert response.status_code == 200, (where, response.status_code)
    check_other_headers(response, where)
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        # A whole page (base.html) loads scripts, so its policy has a nonce; an htmx fragment may have none.
        nonce = check_csp(response, where, nonce="<html" in html)
        check_scripts(html, nonce, where)
    else:
        assert response.headers.get("Content-Security-Policy"), where
    if not CASES[name].public:
        assert "no-store" in response.headers.get("Cache-Control", ""), (where, response.headers.get("Cache-Control"))


def test_it_covers_the_main_pages() -> None:
    """The parametrisation above is not empty by accident: the pages that show user data are in it."""
    assert {"dashboards:cockpit", "dashboards:park", "parks:list", "parks:detail", "enterprises:detail",
            "investment:lead_detail", "investment:case_detail", "investment:project_detail", "stats:aggregates",
            "stats:report_fill", "briefings:detail", "core:audit", "accounts:login"} <= set(PAGES)


def test_each_response_has_its_own_nonce(world: World) -> None:
    client = login(Client(), world.users["region_staff"])
    first = check_csp(client.get("/parks/"), "parks")
    second = check_csp(client.get("/parks/"), "parks again")
    assert first != second


def test_the_api_and_chart_data_are_not_stored(world: World) -> None:
    """JSON with personal or business data is not kept by browsers or proxies either (token or session)."""
    from yuanqu.accounts.services import token_create

    _token, raw = token_create(actor=world.users["region_staff"], name="headers")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/enterprises/")
    assert api.status_code == 200 and "no-store" in api.headers["Cache-Control"]
    chart = login(Client(), world.users["region_staff"]).get(reverse("dashboards:chart", args=["park_map"]))
    assert chart.status_code == 200 and "no-store" in chart.headers["Cache-Control"]


def test_the_login_page_is_not_marked_private_but_has_the_policy(db: Any) -> None:
    """Anonymous pages keep the policy; no-store is for what a signed-in user sees."""
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    nonce = check_csp(response, "login")
    check_scripts(response.content.decode(), nonce, "login")
    assert "no-store" not in response.headers.get("Cache-Control", "")
