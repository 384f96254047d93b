"""deploy/ stays true to the code: every setting in the environment template, nginx's body limit above the app's
largest upload, the systemd units' commands and options real."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands, load_command_class

from yuanqu.investment.services import MAX_EVIDENCE_BYTES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _settings_variables() -> set[str]:
    source = (ROOT / "yuanqu/settings.py").read_text()
    return set(re.findall(r'(?:environ\.get|env_bool)\(\s*"([A-Z][A-Z0-9_]*)"', source))


def test_the_environment_template_lists_every_setting_the_app_reads():
    template = (DEPLOY / "yuanqu.env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", template, flags=re.M))
    variables = _settings_variables()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "YUANQU_TRUSTED_PROXIES", "DATABASE_URL"} <= variables
    assert variables - listed == set()


def test_nginx_lets_the_largest_upload_reach_the_app():
    conf = (DEPLOY / "nginx/yuanqu.conf").read_text()
    size = re.search(r"client_max_body_size\s+(\d+)m;", conf)
    assert size is not None
    limit = int(size.group(1)) * 1024 * 1024
    largest = max(settings.TABULAR_MAX_UPLOAD_BYTES, MAX_EVIDENCE_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    # Room for the multipart framing, but not a second file's worth: the app names its own limit in Chinese.
    assert largest < limit <= largest + 2 * 1024 * 1024


def test_the_systemd_units_run_commands_that_exist_with_options_they_accept():
    commands = get_commands()
    for unit in ("yuanqu-web.service", "yuanqu-worker.service", "yuanqu-backup.service",
                 "yuanqu-support-deadlines.service", "yuanqu-designation-expiry.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        exec_start = re.search(r"^ExecStart=(\S+/yuanqu) (.+)$", text, flags=re.M)
        assert exec_start is not None, unit
        name, *args = shlex.split(exec_start.group(2))
        assert name in commands, f"{unit}: no command {name}"
        if name == "serve":  # (db_worker's parser checks the task backend, which the tests run inline)
            options = load_command_class(commands[name], name).create_parser("yuanqu", name).parse_args(args)
            assert options.no_worker and options.no_collectstatic
            assert (options.host, options.port) == ("127.0.0.1", 8000)
        assert "EnvironmentFile=/etc/yuanqu/yuanqu.env" in text
        if name == "support_deadlines":
            load_command_class(commands[name], name).create_parser("yuanqu", name).parse_args(args)
            timer = (DEPLOY / "systemd" / "yuanqu-support-deadlines.timer").read_text()
            assert "Unit=yuanqu-support-deadlines.service" in timer and re.search(r"^OnCalendar=\S", timer,
                                                                                  flags=re.M)
        if name == "designation_expiry":
            load_command_class(commands[name], name).create_parser("yuanqu", name).parse_args(args)
            timer = (DEPLOY / "systemd" / "yuanqu-designation-expiry.timer").read_text()
            assert "Unit=yuanqu-designation-expiry.service" in timer and re.search(r"^OnCalendar=\S", timer,
                                                                                   flags=re.M)
        if name == "backup":
            load_command_class(commands[name], name).create_parser("yuanqu", name).parse_args(args)
            timer = (DEPLOY / "systemd" / "yuanqu-backup.timer").read_text()
            assert "Unit=yuanqu-backup.service" in timer and re.search(r"^OnCalendar=\S", timer, flags=re.M)
