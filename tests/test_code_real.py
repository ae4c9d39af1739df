"""Scanning real code nobody here wrote: llama-index-llms-openai 0.3.38 (a pinned wheel from PyPI).

The expected findings were read by hand from the wheel's source.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from model_access.code import scan_sync
from model_access.results import ScanResult

from .code_fixtures import make_state

PIN = "llama-index-llms-openai==0.3.38"


@pytest.fixture(scope="session")
def real_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = tmp_path_factory.mktemp("real")
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(root / "dl"), PIN],
            check=True,
            capture_output=True,
            timeout=60,
        )
        wheel = next((root / "dl").glob("*.whl"))
    except (subprocess.SubprocessError, OSError, StopIteration) as exc:
        pytest.skip(f"could not download {PIN} from PyPI: {exc}")
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(root / "src")
    _, result, _ = scan_sync(make_state(root), str(root / "src"))
    return result


def _at(result: ScanResult, file: str, line: int) -> list[tuple[int, str, str, str | None]]:
    return [(r.column, r.model, r.kind, r.problem) for r in result.references if r.file == file and r.line == line]


def test_known_findings(real_scan: ScanResult) -> None:
    base = "llama_index/llms/openai/base.py"
    utils = "llama_index/llms/openai/utils.py"
    responses = "llama_index/llms/openai/responses.py"
    assert _at(real_scan, base, 94) == [(25, "gpt-3.5-turbo", "code", "retired")]  # DEFAULT_OPENAI_MODEL
    assert _at(real_scan, responses, 96) == [(25, "gpt-4o-mini", "code", "deprecated")]
    assert _at(real_scan, responses, 164) == [(38, "gpt-4o-mini", "comment", "deprecated")]  # docstring example
    assert _at(real_scan, utils, 45) == [(6, "o1-mini", "code", "retired")]  # context-size table key
    assert _at(real_scan, utils, 67) == [(6, "gpt-4-32k", "code", "retired")]
    assert _at(real_scan, utils, 277) == [(7, "ft:gpt-3.5-turbo:acemeco:suffix:abc123", "comment", "retired")]


def test_no_false_positives(real_scan: ScanResult) -> None:
    models = {r.model for r in real_scan.references}
    assert not any(m.startswith("gpt-35") for m in models)  # Azure's spellings in AZURE_TURBO_MODELS
    assert not [r for r in real_scan.references if r.problem == "unknown"]
    assert {r.file for r in real_scan.references} <= {
        "llama_index/llms/openai/base.py",
        "llama_index/llms/openai/utils.py",
        "llama_index/llms/openai/responses.py",
    }
