"""The `dedupe` command, end to end through click's CliRunner."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dedupe.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_every_command_and_option_has_help_and_is_in_the_readme() -> None:
    for name, command in main.commands.items():
        assert command.help, name
        assert f"dedupe {name}" in README
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, param.opts
                assert any(opt in README for opt in param.opts), param.opts


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_example_renders_in_every_format(runner: CliRunner, fmt: str) -> None:
    result = runner.invoke(main, ["scan", "--example", "--format", fmt, "--quiet"])
    assert result.exit_code == 0, result.output
    assert "valley-post" in result.stdout


def test_json_output_file_follows_the_contract(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(
        main, ["scan", "--example", "--format", "json", "--pairs", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    assert list(data) == ["version", "documents", "families", "boilerplate", "pairs", "parameters"]
    assert data["version"] == 2
    doc = next(d for d in data["documents"] if d["id"] == "valley-post")
    assert set(doc) == {
        "id", "source", "published", "words", "boilerplate_words", "copied_percent",
        "shared_percent", "quoted_percent", "matches", "more_matches", "families",
        "original_source", "attribution_rule", "credited",
    }  # fmt: skip
    assert doc["original_source"] == "Reuters" and doc["credited"] is False
    family = data["families"][0]
    assert set(family) == {"id", "original", "original_source", "rule", "words", "members", "text"}
    assert set(family["members"][0]) == {"id", "percent", "credited"}
    copied = next(p for pair in data["pairs"] for p in pair["passages"] if not p["quote"])
    assert set(copied) == {
        "a_start", "a_end", "b_start", "b_end", "quote", "original_source", "family",
    }  # fmt: skip
    quoted = next(p for pair in data["pairs"] for p in pair["passages"] if p["quote"])
    assert set(quoted) == set(copied) | {"text"}
    assert "read 9 documents" in result.stderr
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_json_without_pairs_lists_none(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--format", "json", "-q"])
    data = json.loads(result.stdout)
    assert "pairs" not in data and data["parameters"]["pairs"] is False
    assert "text" not in data["families"][0]


def test_output_is_byte_identical_between_runs(runner: CliRunner, tmp_path: Path) -> None:
    outputs = []
    for name in ("one.json", "two.json"):
        runner.invoke(main, ["scan", "--example", "--format", "json", "-o", str(tmp_path / name)])
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_stdin_jsonl(runner: CliRunner) -> None:
    lines = Path(__import__("dedupe").example_path()).read_text("utf-8")
    result = runner.invoke(main, ["scan", "-", "--format", "csv", "-q"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("id,source,published")


def test_min_percent_hides_weaker_pairs(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["scan", "--example", "--format", "json", "--min-percent", "30", "--pairs", "-q"]
    )
    pairs = json.loads(result.stdout)["pairs"]
    assert pairs and all(max(p["percent_a"], p["percent_b"]) >= 30 for p in pairs)


def test_missing_path_is_a_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["scan", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "nope.jsonl" in result.stderr
    assert "Traceback" not in result.output


def test_malformed_line_is_skipped_and_strict_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "some text"}\n{"id": "b", "text": "cut in ha\n', "utf-8")
    errors = tmp_path / "errors.jsonl"
    result = runner.invoke(main, ["scan", str(feed), "--errors", str(errors), "--strict"])
    assert result.exit_code == 1
    assert "feed.jsonl:2" in result.stderr
    skip = json.loads(errors.read_text("utf-8"))
    assert (skip["line"], skip["reason"]) == (2, "malformed-json")
    assert runner.invoke(main, ["scan", str(feed), "-q"]).exit_code == 0


def test_bad_option_value_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--threshold", "2"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["scan", "--example", "--shingle-size", "11"])
    assert result.exit_code == 2 and "min words" in result.stderr


def test_no_paths_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(main, ["scan"]).exit_code == 2


def test_stats_prints_every_stage(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scan", "--example", "--stats", "-q"])
    for stage in ("read", "sign", "index", "align", "families", "report"):
        assert stage in result.stderr


def test_output_file_gets_ordinary_permissions(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    runner.invoke(main, ["scan", "--example", "--format", "csv", "-o", str(out), "-q"])
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
