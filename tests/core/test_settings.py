"""Production settings come from the environment and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A production installation needs a strong key and its host names (tests/core/test_deployment.py).
PRODUCTION = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "yuanqu.example.gov.cn"}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("YUANQU_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"))}
    return subprocess.run([sys.executable, "-m", "yuanqu.cli", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_it_passes_the_deploy_check_behind_https(tmp_path):
    result = _run({"SECRET_KEY": "x" * 30 + "-yuanqu-production-secret-key-with-enough-entropy-0123456789",
                   "ALLOWED_HOSTS": "yuanqu.example.gov.cn", "YUANQU_VAR_DIR": str(tmp_path)},
                  "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_outside_the_demo(tmp_path):
    result = _run({"ALLOWED_HOSTS": "yuanqu.example.gov.cn", "YUANQU_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_keeps_debug_off_by_default(tmp_path):
    result = _run({**PRODUCTION, "YUANQU_VAR_DIR": str(tmp_path)}, "shell", "-c",
                  "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_it_hashes_with_argon2_in_production(tmp_path):
    result = _run({**PRODUCTION, "YUANQU_VAR_DIR": str(tmp_path)}, "shell", "-c",
                  "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])")
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
