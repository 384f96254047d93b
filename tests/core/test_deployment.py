"""Production start-up: bad settings stop the server naming the setting; proxy trust; liveness and readiness."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from yuanqu.core.deployment import client_address, parse_trusted_proxies
from yuanqu.core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(64)
FORGED = "203.0.113.9"


def _run(env: dict[str, str], *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("YUANQU_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-m", "yuanqu.cli", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=timeout)


def _production(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "yuanqu.example.gov.cn", "YUANQU_VAR_DIR": str(tmp_path)}
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


@pytest.mark.parametrize(("overrides", "setting"), [
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SECRET_KEY": "short-secret-key"}, "SECRET_KEY"),
    ({"SECRET_KEY": "s" * 60}, "SECRET_KEY"),
    ({"SECRET_KEY": "django-insecure-" + STRONG_KEY}, "SECRET_KEY"),
    ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
    ({"YUANQU_TRUSTED_PROXIES": "nginx.local"}, "YUANQU_TRUSTED_PROXIES"),
    ({"YUANQU_TRUSTED_PROXIES": "127.0.0.1;10.0.0.1"}, "YUANQU_TRUSTED_PROXIES"),
    ({"YUANQU_TRUSTED_PROXIES": "10.0.0.0/33"}, "YUANQU_TRUSTED_PROXIES"),
])
def test_it_refuses_to_start_with_a_bad_setting_and_names_it(tmp_path, overrides, setting):
    result = _run(_production(tmp_path, **overrides), "check")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: " + setting), result.stderr[-800:]
    assert re.search(r"[\u4e00-\u9fff]", last), "the message is in Chinese too"


def test_it_refuses_to_start_without_allowed_hosts_in_production(tmp_path):
    env = _production(tmp_path)
    del env["ALLOWED_HOSTS"]
    result = _run(env, "check")
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr.splitlines()[-1]


def test_the_server_itself_refuses_to_start_on_a_bad_proxy_list(tmp_path):
    result = _run(_production(tmp_path, YUANQU_TRUSTED_PROXIES="127.0.0.1,proxy"), "serve", "--port", "1",
                  "--no-worker", "--no-collectstatic")
    assert result.returncode != 0
    assert "YUANQU_TRUSTED_PROXIES" in result.stderr and "“proxy”" in result.stderr
    assert "Listening at" not in result.stdout + result.stderr


def test_it_starts_with_good_settings_and_a_list_of_proxy_networks(tmp_path):
    result = _run(_production(tmp_path, YUANQU_TRUSTED_PROXIES=" 10.0.0.0/8, 192.168.1.7 ,::1,fd00::/8"), "shell",
                  "-c", "from django.conf import settings; print([str(n) for n in settings.TRUSTED_PROXIES])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['10.0.0.0/8', '192.168.1.7/32', '::1/128', 'fd00::/8']"


def test_the_demo_needs_neither_a_key_nor_hosts(tmp_path):
    result = _run({"YUANQU_DEMO": "1", "YUANQU_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode == 0, result.stderr


PROXIES = parse_trusted_proxies("10.0.0.1,10.1.0.0/16,::1")


@pytest.mark.parametrize(("peer", "header", "expected"), [
    ("10.0.0.1", "198.51.100.7", "198.51.100.7"),  # one proxy
    ("10.0.0.1", f"{FORGED}, 198.51.100.7", "198.51.100.7"),  # the client's own header stays to the left
    ("10.0.0.1", f"{FORGED}, 198.51.100.7, 10.1.4.4", "198.51.100.7"),  # through two proxies of ours
    ("10.0.0.1", "10.1.2.3, 10.1.4.4", "10.1.2.3"),  # only proxies: the left-most of them
    ("10.0.0.1", "garbage, 10.1.4.4", "10.1.4.4"),  # a malformed hop ends the walk
    ("10.0.0.1", "", "10.0.0.1"),
    ("::1", "2001:db8::5", "2001:db8::5"),
    ("::ffff:10.0.0.1", "198.51.100.7", "198.51.100.7"),  # IPv4 peer seen on a dual-stack socket
    ("192.0.2.50", FORGED, "192.0.2.50"),  # not a proxy of ours: its header is not read
])
def test_it_takes_the_right_most_address_no_trusted_proxy_vouches_for(peer, header, expected):
    assert client_address(peer, header, PROXIES) == expected


def _login(client: Client, **extra: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": "staff", "password": TEST_PASSWORD}, **extra)
    assert response.status_code == 302


@override_settings(TRUSTED_PROXIES=parse_trusted_proxies("10.0.0.1"))
def test_it_audits_the_forwarded_client_only_behind_a_trusted_proxy(world):
    _login(Client(), REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{FORGED}, 198.51.100.7")
    _login(Client(), REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=FORGED)
    logins = list(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).order_by("id").values_list("ip", flat=True))
    assert logins == ["198.51.100.7", "192.0.2.50"]


@override_settings(TRUSTED_PROXIES=parse_trusted_proxies("10.0.0.1"), SECURE_SSL_REDIRECT=True,
                   SECURE_HSTS_SECONDS=3600)
def test_it_believes_https_only_from_a_trusted_proxy(db):
    url = reverse("accounts:login")
    forged = Client().get(url, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301 and forged["Location"].startswith("https://")
    proxied = Client().get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200 and proxied["Strict-Transport-Security"] == "max-age=3600"


def test_liveness_touches_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_answers_503_naming_a_migration_not_applied(client, db):
    assert client.get(reverse("readyz")).json() == {"status": "ok"}
    MigrationRecorder(connection).migration_qs.filter(app="figures", name="0002_settlement_trigger").delete()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    body = response.json()
    assert body["reason"] == "migrations" and body["pending"] == ["figures.0002_settlement_trigger"]
    assert "yuanqu upgrade" in body["detail"] and "迁移" in body["detail"]


def test_readiness_answers_503_when_the_database_is_unreachable(tmp_path):
    # A PostgreSQL URL on a port where nothing listens; the probe must answer, not raise.
    script = ("from django.test.utils import setup_test_environment; setup_test_environment(); "
              "from django.test import Client; r = Client().get('/readyz'); print(r.status_code, r.content.decode())")
    result = _run({"YUANQU_TESTING": "1", "YUANQU_VAR_DIR": str(tmp_path),
                   "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}, "shell", "-c", script)
    assert result.returncode == 0, result.stderr[-800:]
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503" and '"reason": "database"' in body


def test_only_the_vendor_files_the_pages_use_are_found():
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/tabler/css/tabler.min.css")
    assert finders.find("vendor/tabler/js/tabler.min.js.map")  # named by the script's last line
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/tom-select/js/tom-select.complete.min.js.map")  # the pickers (issue 14)
    assert finders.find("vendor/tom-select/css/tom-select.bootstrap5.min.css")
    assert finders.find("vendor/tom-select/js/tom-select.base.js") is None
    # A stylesheet of the package that refers to images the package does not ship (MissingFileError before).
    assert finders.find("vendor/tabler/css/tabler-payments.rtl.css") is None
    assert finders.find("vendor/echarts/echarts.js") is None


def test_a_missing_vendor_file_is_a_check_error_naming_npm_ci(tmp_path):
    from django.contrib.staticfiles.finders import get_finder

    with override_settings(VENDOR_STATIC=[("vendor/x", tmp_path, ["gone.min.js"])]):
        get_finder.cache_clear()
        try:
            errors = get_finder("yuanqu.core.staticfinders.VendorFinder").check()
        finally:
            get_finder.cache_clear()
    assert [e.id for e in errors] == ["yuanqu.E001"] and "npm ci" in (errors[0].hint or "")
