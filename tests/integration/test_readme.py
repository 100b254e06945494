"""README.md is a user's document whose examples work (issue 18, point 10).

tools/readme-examples --check runs every ```console example of the README
in a new empty directory with this build's binaries and compares what they
print with what the README shows; a changed output, a failing command or an
example that needs a file no earlier example made fails here.
"""
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
README = os.path.join(ROOT, "README.md")
SCRIPT = os.path.join(ROOT, "tools", "readme-examples")
BUILD = os.environ.get("MESON_BUILD_ROOT") or os.path.join(ROOT, "build")


def examples(path, *args):
    return subprocess.run([SCRIPT, "--check", "--build", BUILD, *args, path],
                          capture_output=True, text=True, timeout=600)


def readme():
    with open(README, encoding="utf-8") as f:
        return f.read()


def test_examples_match(tmp_path):
    # the tour mounts (FUSE, as any user) and queries with sqlite3
    for tool in ("fusermount3", "sqlite3", "mkswap"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (tools/deps --test)")
    if not os.path.exists("/dev/fuse"):
        pytest.skip("no /dev/fuse: the tour's mount cannot run")
    p = examples(README)
    assert p.returncode == 0, p.stdout + p.stderr


def test_check_catches_drift(tmp_path):
    """a README whose shown output is not what the command prints fails
    (its header section alone: it makes its own files, and is quick)"""
    full = readme()
    text = full[full.index("### The swap header"):
                full.index("### The allocation state")]
    assert "\nLABEL: demo\n" in text
    bad = tmp_path / "README.md"
    bad.write_text(text.replace("\nLABEL: demo\n", "\nLABEL: other\n", 1))
    p = examples(str(bad))
    assert p.returncode == 1, p.stdout + p.stderr
    assert "+LABEL: demo" in p.stdout and "-LABEL: other" in p.stdout
    # and without --check it is rewritten back
    p = subprocess.run([SCRIPT, "--build", BUILD, str(bad)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert bad.read_text() == text


def test_example_that_fails_is_an_error(tmp_path):
    bad = tmp_path / "README.md"
    bad.write_text("```console\n$ swapfs stat no-such.db\n```\n")
    p = examples(str(bad))
    assert p.returncode == 3 and "no-such.db" in p.stderr


def console_blocks(text):
    return re.findall(r"^```console\n(.*?)^```", text, re.S | re.M)


def test_a_users_document():
    text = readme()
    assert text.count("\n## Documentation\n") == 1
    for heading in ("## Install", "## Quick start", "## A tour"):
        assert "\n" + heading + "\n" in text, heading
    assert "meson install" in text
    for page in ("swapfs.8", "swapview.8", "swapfs-dump.5",
                 "swapfs-snapshot.5", "swapfs-workload.5"):
        assert f"(man/{page})" in text, page
    assert "(tools/kernel-replay/FIDELITY.md)" in text
    assert "(tools/bench/README.md)" in text and "(tests/README.md)" in text
    # histories and logs live elsewhere now
    for moved in ("## Performance", "## Reliability", "M ops/s",
                  "executions ("):
        assert moved not in text, moved
    # examples a user can paste anywhere: no paths of the source tree or of
    # a build machine
    for block in console_blocks(text):
        for bad in ("tests/fixtures", "/work/", "build/src", "/tmp/"):
            assert bad not in block, (bad, block)


def test_moved_documents_exist():
    for doc in ("tools/bench/README.md", "tests/README.md"):
        assert os.path.isfile(os.path.join(ROOT, doc)), doc
