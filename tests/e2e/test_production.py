"""The production configuration, as deploy/ describes it, on loopback: nginx (deploy/nginx/yuanqu.conf) with TLS in
front of `yuanqu serve` (gunicorn, DEBUG off), after `yuanqu upgrade` on a fresh installation.

Addresses: the browser-side client connects from 127.0.0.3; nginx connects to gunicorn from 127.0.0.2, the only
trusted proxy (YUANQU_TRUSTED_PROXIES); a forger talks to gunicorn directly from 127.0.0.4. The audit log is read
from the installation's SQLite file. Runs with the browser tests (one Chromium screenshot of the login page).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The installation under test keeps its own SQLite file whatever DATABASE_URL says (make test runs the browser
# tests once).
CLIENT_IP = "127.0.0.3"
PROXY_IP = "127.0.0.2"
FORGER_IP = "127.0.0.4"
HOST = "127.0.0.1"
FORGED = "203.0.113.9"
TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, hex


_used_steps: list[int] = []


def _totp_code() -> str:
    """The code an authenticator app with TOTP_KEY shows now (RFC 6238: 30 s steps, 6 digits); the next step's if
    this one was used already (each code is accepted once; the server allows one step of drift)."""
    from django_otp.oath import hotp

    step = max(int(time.time()) // 30, (_used_steps[-1] + 1) if _used_steps else 0)
    _used_steps.append(step)
    return str(hotp(bytes.fromhex(TOTP_KEY), step, 6)).zfill(6)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port} within {timeout}s")


@dataclass
class Stack:
    """The running installation: its ports, environment, files and the password of its staff account."""

    var: Path
    env: dict[str, str]
    https_port: int
    app_port: int
    password: str
    logs: list[Path] = field(default_factory=list)

    def audit(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.var / "yuanqu.sqlite3") as db:
            return db.execute(sql, params).fetchall()


def _yuanqu(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "yuanqu.cli", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"yuanqu {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _nginx_site(static_root: Path, cert: Path, key: Path, https_port: int, http_port: int, app_port: int) -> str:
    """deploy/nginx/yuanqu.conf with this machine's names, ports and paths; nginx connects from PROXY_IP."""
    site = (ROOT / "deploy/nginx/yuanqu.conf").read_text()
    replacements = [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen [::]:80;\n", ""),
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;\n", ""),
        ("server_name yuanqu.example.gov.cn;", f"server_name {HOST};"),
        ("/etc/ssl/yuanqu/fullchain.pem", str(cert)),
        ("/etc/ssl/yuanqu/privkey.pem", str(key)),
        ("alias /srv/yuanqu/var/static/;", f"alias {static_root}/;"),
        ("proxy_pass http://yuanqu_app;", f"proxy_pass http://yuanqu_app;\n        proxy_bind {PROXY_IP};"),
    ]
    for old, new in replacements:
        assert old in site, f"deploy/nginx/yuanqu.conf no longer has {old!r}: update this test with it"
        site = site.replace(old, new)
    return site


# Session-scoped: pytest-django orders the one browser test of this module (it needs the live server's database)
# apart from the others, and a module-scoped stack would be installed twice.
@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.fail("nginx not found: apt-get install nginx (.ci/run installs it)")
    base = tmp_path_factory.mktemp("production")
    var = base / "var"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("YUANQU_", "DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_", "ALLOWED_HOSTS"))}
    https_port, http_port, app_port = _free_port(), _free_port(), _free_port()
    env.update({
        "PYTHONPATH": str(ROOT),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{https_port}",
        "YUANQU_VAR_DIR": str(var),
        "YUANQU_TRUSTED_PROXIES": PROXY_IP,
        "YUANQU_WEB_WORKERS": "1",
        "YUANQU_WEB_THREADS": "4",
    })
    # A fresh installation: upgrade (check --deploy, migrate, translations, collectstatic), then one account.
    _yuanqu(env, "upgrade")
    created = _yuanqu(env, "createuser", "staff", "--role", "region_staff", "--region", "370213")
    password = created.rsplit("password:", 1)[1].strip()
    # District staff log in with a second factor: give the account an enrolled authenticator with a known key, as
    # if its owner had scanned the QR code, and a password of its own (no forced change), so the test can log in.
    _yuanqu(env, "shell", "-c", (
        "from django_otp.plugins.otp_totp.models import TOTPDevice; from yuanqu.accounts.models import User; "
        "u = User.objects.get(username='staff'); User.objects.filter(pk=u.pk).update(must_change_password=False); "
        f"TOTPDevice.objects.create(user=u, name='phone', key='{TOTP_KEY}', confirmed=True)"))

    cert, key = base / "cert.pem", base / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=IP:{HOST}", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    (base / "site.conf").write_text(_nginx_site(var / "static", cert, key, https_port, http_port, app_port))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private temp directory
    (base / "nginx.conf").write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {base}/nginx.pid;\nerror_log {base}/nginx-error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {base}/nginx-access.log;\n"
        f" client_body_temp_path {base}/body; proxy_temp_path {base}/proxy; fastcgi_temp_path {base}/fcgi;\n"
        f" uwsgi_temp_path {base}/uwsgi; scgi_temp_path {base}/scgi;\n include {base}/site.conf;\n}}\n")

    app_log = (base / "app.log").open("wb")
    app = subprocess.Popen([sys.executable, "-m", "yuanqu.cli", "serve", "--no-worker", "--no-collectstatic",
                            "--host", HOST, "--port", str(app_port)], cwd=ROOT, env=env, stdout=app_log,
                           stderr=subprocess.STDOUT, start_new_session=True)
    proxy = subprocess.Popen([nginx, "-p", str(base), "-c", str(base / "nginx.conf")], stdout=subprocess.DEVNULL,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(app_port, app, "gunicorn")
        _wait_for(https_port, proxy, "nginx")
        yield Stack(var=var, env=env, https_port=https_port, app_port=app_port, password=password,
                    logs=[base / "app.log", base / "nginx-error.log"])
    finally:
        for proc in (proxy, app):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        app_log.close()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str


class Client:
    """HTTP(S) from a chosen loopback address, keeping cookies, the way a browser would post the login form."""

    def __init__(self, port: int, *, tls: bool, source: str) -> None:
        self.port, self.tls, self.source = port, tls, source
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Response:
        if self.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                HOST, self.port, source_address=(self.source, 0), context=ctx, timeout=30)
        else:
            conn = http.client.HTTPConnection(HOST, self.port, source_address=(self.source, 0), timeout=30)
        all_headers = {"Host": HOST if self.tls else f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=data, headers=all_headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", "replace")
        for raw in resp.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(raw)
            for name, morsel in SimpleCookie(raw).items():
                self.cookies[name] = morsel.value
        conn.close()
        return Response(resp.status, resp.headers, text)


def _cookie_header(client: Client, name: str) -> str:
    found = [h for h in client.set_cookie_headers if h.startswith(f"{name}=")]
    assert found, f"no Set-Cookie for {name}: {client.set_cookie_headers}"
    return found[-1]


def _login(stack: Stack, client: Client, headers: dict[str, str] | None = None) -> Response:
    page = client.request("GET", "/accounts/login/")
    assert page.status == 200, page.body[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token is not None
    origin = f"https://{HOST}:{stack.https_port}"
    return client.request("POST", "/accounts/login/",
                          {"csrfmiddlewaretoken": token.group(1), "username": "staff", "password": stack.password},
                          {"Origin": origin, "Referer": f"{origin}/accounts/login/", **(headers or {})})


def test_it_logs_in_over_https_through_nginx_with_hsts_and_secure_cookies(stack: Stack) -> None:
    client = Client(stack.https_port, tls=True, source=CLIENT_IP)
    response = _login(stack, client)
    assert response.status == 302, response.body[:800]
    assert response.headers["Location"] == "/"
    hsts = response.headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000") and "includeSubDomains" in hsts
    for name in ("sessionid", "csrftoken"):
        assert "; secure" in _cookie_header(client, name).lower(), _cookie_header(client, name)
    assert "httponly" in _cookie_header(client, "sessionid").lower()
    # The second factor, asked for over the proxied HTTPS too.
    home = client.request("GET", "/")
    assert home.status == 302 and "/accounts/2fa/verify/" in home.headers["Location"]
    page = client.request("GET", "/accounts/2fa/verify/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert page.status == 200 and token is not None
    origin = f"https://{HOST}:{stack.https_port}"
    verified = client.request("POST", "/accounts/2fa/verify/",
                              {"csrfmiddlewaretoken": token.group(1), "code": _totp_code()},
                              {"Origin": origin, "Referer": f"{origin}/accounts/2fa/verify/"})
    assert verified.status == 302, verified.body[:800]
    home = client.request("GET", "/")
    assert home.status == 200 and "staff" in home.body


def test_it_audits_the_client_address_nginx_saw_not_one_the_client_wrote(stack: Stack) -> None:
    client = Client(stack.https_port, tls=True, source=CLIENT_IP)
    before = stack.audit("SELECT max(id) FROM core_auditevent")[0][0] or 0
    # The client's own X-Forwarded-For stays left of the address nginx appends, and is not read.
    assert _login(stack, client, {"X-Forwarded-For": FORGED}).status == 302
    rows = stack.audit("SELECT action, ip FROM core_auditevent WHERE id > ? ORDER BY id", before)
    assert rows == [("login", CLIENT_IP)]


def test_it_believes_no_forwarded_header_from_a_peer_that_is_not_the_proxy(stack: Stack) -> None:
    before = stack.audit("SELECT max(id) FROM core_auditevent")[0][0] or 0
    forger = Client(stack.app_port, tls=False, source=FORGER_IP)
    # Posing as the proxy: claims HTTPS and another client address; plain HTTP is still sent to HTTPS.
    response = forger.request("POST", "/accounts/login/", {"username": "staff", "password": "wrong-password-1"},
                              {"X-Forwarded-Proto": "https", "X-Forwarded-For": FORGED})
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}:{stack.app_port}/accounts/login/"
    assert "Strict-Transport-Security" not in response.headers
    assert stack.audit("SELECT action, ip FROM core_auditevent WHERE id > ?", before) == []
    # The probes answer over plain HTTP, to anyone.
    ready = forger.request("GET", "/readyz", headers={"X-Forwarded-For": FORGED})
    assert ready.status == 200 and json.loads(ready.body) == {"status": "ok"}


def test_it_serves_the_collected_static_files_through_nginx(stack: Stack) -> None:
    client = Client(stack.https_port, tls=True, source=CLIENT_IP)
    page = client.request("GET", "/accounts/login/")
    css = re.search(r'href="(/static/vendor/tabler/css/tabler\.min\.[0-9a-f]{12}\.css)"', page.body)
    assert css is not None, "the login page does not link the hashed Tabler stylesheet (manifest storage off?)"
    sheet = client.request("GET", css.group(1), headers={"Accept-Encoding": "gzip"})
    assert sheet.status == 200
    assert sheet.headers["Content-Type"].startswith("text/css")
    assert "immutable" in sheet.headers["Cache-Control"]
    # Only the files the pages use are collected: no Tabler payments stylesheet and its missing images.
    assert not list((stack.var / "static/vendor/tabler/css").glob("tabler-payments*"))


def test_it_renders_the_login_page_in_chromium_through_nginx(stack: Stack, browser: Any) -> None:
    context = browser.new_context(ignore_https_errors=True, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"https://{HOST}:{stack.https_port}/accounts/login/")
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", stack.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.fill("input[name=code]", _totp_code())
    page.press("input[name=code]", "Enter")
    page.wait_for_url(f"https://{HOST}:{stack.https_port}/")
    # Tabler's stylesheet arrived through nginx and was parsed (a 404 or a wrong MIME type leaves no rules).
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('/vendor/tabler/css/tabler.min.')"
                         " && s.cssRules.length > 1000)")
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "production-home.png"), full_page=False)
    context.close()
    assert failed == []
