"""Shared fixtures for the swapfs integration tests.

Every test runs the real swapfs binary (path in $SWAPFS, set by meson) on
images it builds itself with the real mkswap. Tests that need root (swapon,
loop devices) skip when not root; a file whose tests all skipped exits 77 so
meson reports SKIP, not OK.
"""
import os
import shutil
import subprocess

import pytest

SWAPFS = os.environ.get("SWAPFS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "src", "cli", "swapfs")


def run(*args, check=None, input=None):
    """Run swapfs with args; return CompletedProcess (text)."""
    p = subprocess.run([SWAPFS, *map(str, args)], capture_output=True,
                       text=True, input=input)
    if check is not None:
        assert p.returncode == check, (
            f"swapfs {' '.join(map(str, args))}: rc={p.returncode}\n"
            f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def tool(*args, check=True, **kw):
    """Run a system tool (mkswap, blkid, swaplabel...)."""
    return subprocess.run(list(map(str, args)), capture_output=True, text=True,
                          check=check, **kw)


def make_file(path, size):
    """A fully allocated file of size bytes (no holes: swapon accepts it)."""
    with open(path, "wb") as f:
        f.write(b"\0" * size)
    os.chmod(path, 0o600)
    return path


def mkswap(path, *args, size=10 * 1024 * 1024):
    """A real mkswap image; size bytes, fully allocated."""
    make_file(path, size)
    tool("mkswap", "-q", *args, path)
    return path


def parse_export(text):
    """KEY=value lines (blkid) or KEY="value" lines (swapfs) to a dict."""
    import shlex
    out = {}
    for line in text.splitlines():
        if "=" not in line:
            continue
        key, _, val = line.partition("=")
        out[key] = shlex.split(val)[0] if val else ""
    return out


is_root = os.geteuid() == 0
needs_root = pytest.mark.skipif(not is_root, reason="needs root (swapon, loop devices)")


@pytest.fixture
def swapfs():
    return run


@pytest.fixture
def workdir(tmp_path):
    """A directory on a real filesystem (swapon refuses tmpfs files)."""
    return tmp_path


def pytest_sessionfinish(session, exitstatus):
    rep = session.config.pluginmanager.get_plugin("terminalreporter")
    if rep is None or exitstatus != 0:
        return
    passed = len(rep.stats.get("passed", []))
    skipped = len(rep.stats.get("skipped", []))
    if skipped and not passed:
        session.exitstatus = 77
