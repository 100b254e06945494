"""swapfs list against /proc/swaps, swapon --show and the real kernel.

Other swap areas may be active (or come and go) while these tests run: every
comparison with /proc/swaps is made on a snapshot that did not change while
swapfs ran, and only our own area's header fields are asserted.
"""
import json
import os
import random
import re
import subprocess
import time
import uuid as uuidlib

import pytest

from conftest import mkswap, needs_root, run, tool

MiB = 1024 * 1024
PAGE = os.sysconf("SC_PAGESIZE")
DEFAULT_COLUMNS = ["NAME", "TYPE", "SIZE", "USED", "PRIO", "UUID", "LABEL",
                   "PAGESIZE", "KERNEL_OK"]


def unescape_proc(s):
    """/proc/swaps escapes blanks, tabs, newlines and backslashes as \\ooo."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)


def unescape_raw(s):
    """libsmartcols --raw escapes unsafe characters as \\xNN."""
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), s)


def proc_swaps():
    """{name: (type, size_kib, used_kib, prio)} from /proc/swaps."""
    out = {}
    with open("/proc/swaps") as f:
        for line in f.read().splitlines()[1:]:
            if not line.strip():
                continue
            name, typ, size, used, prio = line.split()
            out[unescape_proc(name)] = (typ, int(size), int(used), int(prio))
    return out


def stable(fn, tries=10):
    """fn() with a /proc/swaps snapshot that did not change while it ran."""
    for _ in range(tries):
        before = proc_swaps()
        res = fn()
        after = proc_swaps()
        if before == after:
            return before, res
        time.sleep(0.05)
    pytest.fail("/proc/swaps kept changing")


def unique_label():
    return f"swl{os.getpid() % 100000}{random.randrange(10**6)}"[:16]


@pytest.fixture
def swapfile(workdir):
    """A 16 MiB labelled swap file, made with mkswap (not active)."""
    label = unique_label()
    uuid = str(uuidlib.uuid4())
    path = mkswap(workdir / "list.img", "-L", label, "-U", uuid, size=16 * MiB)
    return path, label, uuid


@pytest.fixture
def active(swapfile):
    """The swap file, swapped on with priority 7; swapped off afterwards."""
    path, label, uuid = swapfile
    tool("swapon", "-p", "7", path)
    try:
        yield str(path), label, uuid
    finally:
        subprocess.run(["swapoff", str(path)], capture_output=True)
        assert str(path) not in proc_swaps()


def ours(entries, path):
    found = [e for e in entries if e["name"] == path]
    assert len(found) == 1, entries
    return found[0]


# --------------------------------------------------------------------------
# 1. JSON
# --------------------------------------------------------------------------

@needs_root
def test_json_bytes(active):
    path, label, uuid = active

    def list_json():
        p = run("list", "--json", "--bytes", check=0)
        assert p.stderr == ""
        return json.loads(p.stdout)

    snap, doc = stable(list_json)
    assert list(doc) == ["swaps"]
    assert isinstance(doc["swaps"], list)
    assert [e["name"] for e in doc["swaps"]] == list(snap)   # /proc/swaps order
    e = ours(doc["swaps"], path)
    typ, size_kib, used_kib, prio = snap[path]
    assert list(e) == [c.lower() for c in DEFAULT_COLUMNS]
    assert e["type"] == "file" == typ
    assert isinstance(e["size"], int) and e["size"] == size_kib * 1024
    # the header page is not swap space: one page less than the file
    assert e["size"] == 16 * MiB - PAGE
    assert isinstance(e["used"], int) and e["used"] == used_kib * 1024
    assert e["prio"] == 7 and isinstance(e["prio"], int) and prio == 7
    assert e["uuid"] == uuid
    assert e["label"] == label
    assert e["pagesize"] == PAGE and isinstance(e["pagesize"], int)
    assert e["kernel_ok"] is True
    # every other active area has its /proc/swaps numbers too
    for other in doc["swaps"]:
        t, s, u, pr = snap[other["name"]]
        assert (other["type"], other["size"], other["used"], other["prio"]) == \
            (t, s * 1024, u * 1024, pr)


@needs_root
def test_json_human_sizes_are_strings(active):
    path, label, uuid = active
    p = run("list", "--json", check=0)
    e = ours(json.loads(p.stdout)["swaps"], path)
    assert e["size"] == "16M"
    assert isinstance(e["used"], str)
    assert e["prio"] == 7
    assert e["kernel_ok"] is True


@needs_root
def test_json_selected_columns(active):
    path, label, uuid = active
    p = run("list", "-J", "-b", "-o", "name,label,prio", check=0)
    e = ours(json.loads(p.stdout)["swaps"], path)
    assert e == {"name": path, "label": label, "prio": 7}


# --------------------------------------------------------------------------
# 2. raw output and --output
# --------------------------------------------------------------------------

def raw_rows(*args):
    p = run("list", *args, check=0)
    assert p.stderr == ""
    return [[unescape_raw(c) for c in l.split(" ")]
            for l in p.stdout.splitlines()]


@needs_root
def test_raw_name_prio_matches_proc_swaps(active):
    path, label, uuid = active
    snap, rows = stable(lambda: raw_rows("--noheadings", "--raw", "-o", "NAME,PRIO"))
    assert rows == [[name, str(v[3])] for name, v in snap.items()]
    assert [path, "7"] in rows


@needs_root
def test_raw_default_columns(active):
    path, label, uuid = active
    snap, rows = stable(lambda: raw_rows("--raw", "--bytes"))
    assert rows[0] == DEFAULT_COLUMNS
    mine = [r for r in rows[1:] if r[0] == path]
    typ, size_kib, used_kib, prio = snap[path]
    assert mine == [[path, "file", str(size_kib * 1024), str(used_kib * 1024),
                     "7", uuid, label, str(PAGE), "yes"]]
    assert len(rows) == 1 + len(snap)


@needs_root
def test_output_plus_extends_default(active):
    path, label, uuid = active
    p = run("list", "--raw", "-o", "+UUID")
    assert p.returncode == 0, p.stderr
    rows = [l.split(" ") for l in p.stdout.splitlines()]
    assert rows[0] == DEFAULT_COLUMNS + ["UUID"]
    mine = [r for r in rows[1:] if r[0] == path]
    assert len(mine) == 1 and mine[0][-1] == uuid == mine[0][5]


@pytest.mark.parametrize("cols", ["FOO", "NAME,FOO", ",NAME", "NAME,,PRIO",
                                  "+FOO", "NAMEX", "NAM"])
def test_output_unknown_column(cols):
    p = run("list", "-o", cols, check=2)
    assert "unknown column" in p.stderr
    assert "Try 'swapfs list --help'" in p.stderr
    assert p.stdout == ""


def test_output_empty_list_is_usage_error():
    p = run("list", "-o", "")
    assert p.returncode == 2, (p.returncode, p.stderr)


@needs_root
def test_output_case_insensitive(active):
    path, label, uuid = active
    p = run("list", "--raw", "-o", "name,Prio,KERNEL_ok", check=0)
    lines = p.stdout.splitlines()
    assert lines[0] == "NAME PRIO KERNEL_OK"
    assert f"{path} 7 yes" in lines


def test_list_usage_errors():
    p = run("list", "extra", check=2)
    assert "unexpected argument 'extra'" in p.stderr
    p = run("list", "--frobnicate", check=2)
    assert "Try 'swapfs list --help'" in p.stderr


# --------------------------------------------------------------------------
# 3. human output
# --------------------------------------------------------------------------

@needs_root
def test_human_headings_and_size(active):
    path, label, uuid = active
    p = run("list", check=0)
    lines = p.stdout.splitlines()
    assert lines[0].split() == DEFAULT_COLUMNS
    mine = [l.split() for l in lines[1:] if l.split()[0] == path]
    assert len(mine) == 1
    row = mine[0]
    ref = tool("swapon", "--show=NAME,SIZE", "--noheadings", "--raw").stdout
    ref_size = [l.split(" ")[1] for l in ref.splitlines() if l.split(" ")[0] == path]
    assert ref_size == ["16M"]
    assert row[2] == ref_size[0] == "16M"
    assert row[1] == "file"
    assert row[4] == "7"
    assert row[5:] == [uuid, label, str(PAGE), "yes"]


@needs_root
def test_human_sizes_match_swapon(active):
    path, label, uuid = active

    def both():
        a = run("list", "--raw", "--noheadings", "-o", "NAME,SIZE,USED,PRIO",
                check=0).stdout
        b = tool("swapon", "--show=NAME,SIZE,USED,PRIO", "--noheadings",
                 "--raw").stdout
        return a, b

    for _ in range(10):
        a, b = both()
        if a == b:
            break
    assert a == b
    assert f"{path} 16M " in a


# --------------------------------------------------------------------------
# 4. not active
# --------------------------------------------------------------------------

def test_not_listed_when_inactive(swapfile):
    path, label, uuid = swapfile
    path = str(path)
    p = run("list", "--json", "--bytes", check=0)
    doc = json.loads(p.stdout)
    assert list(doc) == ["swaps"]
    assert isinstance(doc["swaps"], list)
    assert path not in [e["name"] for e in doc["swaps"]]
    assert label not in [e.get("label") for e in doc["swaps"]]
    assert uuid not in [e.get("uuid") for e in doc["swaps"]]
    p = run("list", "--raw", check=0)
    lines = p.stdout.splitlines()
    if lines:       # libsmartcols prints no heading for an empty table
        assert lines[0].split(" ") == DEFAULT_COLUMNS
    assert path not in p.stdout
    p = run("list", "--raw", "--noheadings", "-o", "NAME", check=0)
    assert path not in p.stdout.splitlines()


@needs_root
def test_listed_then_gone(swapfile):
    path, label, uuid = swapfile
    path = str(path)
    tool("swapon", "-p", "3", path)
    try:
        doc = json.loads(run("list", "-J", "-b", check=0).stdout)
        assert ours(doc["swaps"], path)["prio"] == 3
    finally:
        subprocess.run(["swapoff", path], capture_output=True)
    doc = json.loads(run("list", "-J", "-b", check=0).stdout)
    assert path not in [e["name"] for e in doc["swaps"]]
