"""Where numba caches dedupe's compiled code, decided before numba compiles any of it.

numba caches a compiled function beside its module (`dedupe/__pycache__`), else in the user's
cache folder (`~/.cache/numba`); when it can write in neither (a read-only install, in a
container whose HOME is not writable) it raises RuntimeError instead of compiling. Every
`*_compiled` module imports this one first and passes `CACHE` to `numba.njit`. When neither
place is writable (nor the folder NUMBA_CACHE_DIR names), numba is pointed at a private
folder in the temporary folder; when even that cannot be used, caching is turned off and the
code is compiled in each run. `NOTE` says which, in one line (None when numba's own places
work).
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile


def _writable(folder: str) -> bool:
    """Return whether `folder` exists or can be made, and a file can be created in it (the
    test numba itself makes)."""
    try:
        os.makedirs(folder, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _private_folder(folder: str) -> bool:
    """Return whether `folder` is (or was just made) a folder only this user can write:
    numba loads code from its cache, so a folder another user could fill is never used."""
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return False
    owner = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    private = not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == owner and private and _writable(folder)


def _user_cache_folder() -> str | None:
    """Return numba's user-wide cache folder (None if it cannot be told)."""
    try:
        from numba.misc.appdirs import AppDirs
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    return str(AppDirs(appname="numba", appauthor=False).user_cache_dir)  # type: ignore[no-untyped-call]


def _use(folder: str) -> None:
    """Point numba's cache at `folder`, whether or not numba is already imported."""
    os.environ["NUMBA_CACHE_DIR"] = folder
    config = sys.modules.get("numba.core.config")
    if config is not None:
        config.CACHE_DIR = folder  # type: ignore[attr-defined]


def configure() -> tuple[bool, str | None]:
    """Return (whether to cache compiled code, the note to show or None), pointing numba at
    a private cache folder first if none of its own places can be written."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    package = os.path.dirname(os.path.abspath(__file__))
    if chosen and _writable(chosen):
        return True, None
    if _writable(os.path.join(package, "__pycache__")):
        return True, None
    user = _user_cache_folder()
    if user and _writable(user):
        return True, None
    owner = os.geteuid() if hasattr(os, "geteuid") else "user"
    fallback = os.path.join(tempfile.gettempdir(), f"dedupe-numba-cache-{owner}")
    cause = "numba cannot write its cache beside dedupe, in the user's cache folder" + (
        f" or in NUMBA_CACHE_DIR ({chosen})" if chosen else ""
    )
    if _private_folder(fallback):
        _use(fallback)
        return True, f"{cause}: compiled code is cached in {fallback}"
    return False, f"{cause}, nor in {fallback}: compiled code is not cached (compiled each run)"


CACHE, NOTE = configure()
