from __future__ import annotations

import json
import subprocess

import pytest

from .helpers import console_script, offline_env


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script("model-access"), *args],
        capture_output=True,
        text=True,
        env=offline_env(),
        input=stdin,
    )


def test_suggest_prints_the_replacement():
    out = run("suggest", "gpt4o")
    assert out.returncode == 0
    assert "gpt-4o" in out.stdout.splitlines()[1]


def test_every_command_has_json_output():
    for args in (
        ["suggest", "gpt-4-32k"],
        ["endpoint", "gpt-5-pro", "chat.completions"],
        ["models"],
        ["doctor"],
    ):
        out = run(*args, "--json")
        assert out.returncode == 0, out.stderr
        json.loads(out.stdout)


def test_a_key_pasted_as_a_path_is_not_echoed_by_scan_or_check():
    key = "sk-proj-abcdefghijklmnop1234567890"
    for command in ("scan", "check"):
        out = run(command, key)
        assert out.returncode == 2, (command, out.stderr)
        assert key not in out.stdout + out.stderr and "[REDACTED]" in out.stderr


def test_models_without_a_key_says_it_is_the_catalog():
    out = run("models", "--endpoint", "embeddings")
    assert out.returncode == 0
    assert "source: catalog" in out.stdout and "OPENAI_API_KEY" in out.stdout
    assert "text-embedding-3-small" in out.stdout


def test_doctor_reports_configuration_catalog_and_shutdowns():
    out = run("doctor", "--offline")
    assert out.returncode == 0
    assert "catalog as of 2026-11-23" in out.stdout
    assert "2026-12-11  gpt-5" in out.stdout


def test_bad_endpoint_is_one_clear_line_and_exit_2():
    out = run("endpoint", "gpt-4o", "nowhere")
    assert out.returncode == 2
    assert "Unknown endpoint 'nowhere'" in out.stderr and "Traceback" not in out.stderr


def test_serve_refuses_a_public_bind_without_the_explicit_flag():
    out = run("serve", "--http", "--host", "0.0.0.0")
    assert out.returncode == 2
    assert "refusing to bind 0.0.0.0" in out.stderr and "--allow-remote" in out.stderr


@pytest.mark.parametrize(
    "command",
    ["doctor", "diagnose", "models", "access", "suggest", "endpoint", "scan", "fix", "check", "serve"],
)
def test_every_command_has_help_with_an_example(command):
    out = run(command, "--help")
    assert out.returncode == 0 and "example:" in out.stdout
