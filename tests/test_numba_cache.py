"""numba's cache on a read-only install with an unwritable HOME (issue #12.14): a fallback
folder, or no caching, never numba's RuntimeError. Each case runs in a fresh process on a
copy of the package whose `__pycache__` folders cannot be made (a file is in their place:
that stops root too)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dedupe"

PROBE = """
import json, sys
import numpy as np
if len(sys.argv) > 1:  # make the temporary folder unusable too
    import tempfile
    tempfile.gettempdir = lambda: sys.argv[1]
from dedupe import index_kernels, numba_cache
from dedupe.jit import compiled
pair_codes = compiled(index_kernels.bucket_pair_codes)
codes = pair_codes(np.array([4, 5, 10], dtype=np.uint64), 2, 3, 24)  # keys 1, 1, 2
print(json.dumps({"cache": numba_cache.CACHE, "note": numba_cache.NOTE, "codes": codes.tolist()}))
"""


@pytest.fixture
def read_only_install(tmp_path: Path) -> dict[str, str]:
    """Return the environment of a process that imports a copy of dedupe from a place where
    numba can write neither beside the package nor in the user's cache folder."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "dedupe", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in [site / "dedupe", *(p for p in (site / "dedupe").rglob("*") if p.is_dir())]:
        (folder / "__pycache__").write_text("not a folder")
    home = tmp_path / "home"
    home.write_text("not a folder either")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NUMBA_", "XDG_", "PYTHON"))
    }
    environment.update(
        HOME=str(home),
        TMPDIR=str(temporary),
        PYTHONPATH=str(site),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return environment


def probe(environment: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=environment,
        cwd=environment["TMPDIR"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_an_unwritable_install_and_home_fall_back_to_a_private_temporary_folder(
    read_only_install: dict[str, str],
) -> None:
    result = probe(read_only_install)
    assert result["codes"] == [1]  # compiled and ran
    fallback = Path(read_only_install["TMPDIR"]) / f"dedupe-numba-cache-{os.geteuid()}"
    assert result["cache"] is True
    assert result["note"] == (
        "numba cannot write its cache beside dedupe, in the user's cache folder:"
        f" compiled code is cached in {fallback}"
    )
    assert any(fallback.rglob("*.nbi"))  # numba's cache index, written there
    assert oct(fallback.stat().st_mode & 0o777) == "0o700"
    assert probe(read_only_install)["codes"] == [1]  # and read back


def test_with_no_writable_folder_at_all_the_code_runs_uncached(
    read_only_install: dict[str, str], tmp_path: Path
) -> None:
    unusable = tmp_path / "tmpfile"
    unusable.write_text("a file, not a folder")
    result = probe(read_only_install, str(unusable))
    assert result["codes"] == [1]
    assert result["cache"] is False
    assert "compiled code is not cached" in str(result["note"])


def test_a_writable_install_needs_no_note() -> None:
    from dedupe import numba_cache

    if not os.access(PACKAGE, os.W_OK):
        pytest.skip("this install is read-only")
    assert numba_cache.configure() == (True, None)
