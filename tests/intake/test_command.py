"""``yuanqu extract-facts FILE`` and ``--text``: the JSON list in the published shape."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

DATA = Path(__file__).parent / "data"


def run(*args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> list[dict[str, object]]:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("extract-facts", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_it_prints_the_facts_of_a_file(db: object) -> None:
    facts = run(str(DATA / "01-licang-parks.txt"))
    gold = json.loads((DATA / "01-licang-parks.json").read_text(encoding="utf-8"))
    assert [(f["value"], f["unit"]) for f in facts] == [(g["value"], g["unit"]) for g in gold]
    assert all(set(f) == {"entity", "metric", "value", "unit", "period", "quote", "qualifier"} for f in facts)


def test_it_reads_standard_input_without_a_database(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = run("--text", "--no-registry", "--published", "2023-02-10",
                stdin="信联天地已签约企业118家，2022年实现产值55亿元。", monkeypatch=monkeypatch)
    assert [(f["metric"], f["value"], f["period"]) for f in facts] == [
        ("签约企业", 118, "2023-02-10（推断）"), ("产值", 55, "2022")]


def test_it_refuses_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("extract-facts")
    with pytest.raises(CommandError, match="no such file"):
        call_command("extract-facts", str(tmp_path / "missing.txt"))
    exe = tmp_path / "a.docx"
    exe.write_bytes(b"MZ\x90\x00")
    with pytest.raises(CommandError):
        call_command("extract-facts", str(exe), "--no-registry")
