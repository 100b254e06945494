"""The man pages: formatted without a warning at 80 columns, and swapfs(8)
keeps the sections a user looks for (issue 18, point 11).

EXIT STATUS must name every command `swapfs --help` lists, so a new command
without its exit codes fails here.
"""
import glob
import os
import re
import subprocess

import pytest

from conftest import run

MAN = os.path.join(os.path.dirname(__file__), "..", "..", "man")
PAGES = sorted(glob.glob(os.path.join(MAN, "*.[0-9]")))
SWAPFS8 = os.path.join(MAN, "swapfs.8")
ENV = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80", MAN_DISABLE_SECCOMP="1")


def test_every_page_found():
    names = {os.path.basename(p) for p in PAGES}
    assert names >= {"swapfs.8", "swapview.8", "swapfs-dump.5",
                     "swapfs-snapshot.5", "swapfs-workload.5"}


@pytest.mark.parametrize("page", PAGES, ids=os.path.basename)
def test_no_warnings(page):
    """man's own check (tables too wide at 80 columns, macro misuse) and
    groff's every warning category"""
    p = subprocess.run(["man", "--warnings", "-l", page], env=ENV,
                       capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    p = subprocess.run(["groff", "-ww", "-z", "-t", "-man", "-Tutf8", page],
                       env=ENV, capture_output=True, text=True)
    assert p.returncode == 0 and p.stderr == "", p.stderr


def section(name):
    """the troff source of one .SH section of swapfs.8"""
    with open(SWAPFS8, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r'^\.SH "?' + re.escape(name) + r'"?\n(.*?)(?=^\.SH |\Z)',
                  text, re.S | re.M)
    assert m, name
    return m.group(1)


def commands():
    out = run("--help", check=0).stdout
    block = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def test_description_current():
    text = section("DESCRIPTION")
    assert "This release covers" not in text
    for what in ("header", "live:", "mount", "check", "swapview", "snapshot",
                 "sim", "capture", "dump"):
        assert what in text, what


def test_see_also():
    text = section("SEE ALSO").replace("\\-", "-")
    for ref in ("swapview (8)", "fusermount3 (1)", "sqlite3 (1)",
                "blkid (8)", "swapon (8)"):
        assert ".BR " + ref in text, ref


def test_exit_status_every_command():
    """each command is the tag of its own paragraph"""
    tags = set()
    for tag in re.findall(r"^\.TP\n(\.B.*)$", section("EXIT STATUS"), re.M):
        tags.update(re.findall(r"[a-z]+", tag.split(None, 1)[1]))
    missing = [c for c in commands() if c not in tags]
    assert not missing, f"EXIT STATUS has no paragraph for {missing}"


def test_files():
    text = section("FILES")
    assert ".I /dev/fuse\n" in text
    assert ".I /proc/PID/pagemap\n" in text


def test_examples():
    text = section("EXAMPLES").replace("\\-", "-")
    for cmd in ("stat", "check", "sim", "mount", "header", "label"):
        assert re.search(r"^\$ swapfs " + cmd + " ", text, re.M) or \
            re.search(r"^# swapfs " + cmd + " ", text, re.M), cmd
