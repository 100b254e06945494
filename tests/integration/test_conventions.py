"""Issue 18, the command-line conventions: no command hangs on a FIFO,
check reports problems first and ends with a summary, stat/check/header
tables take -o/--raw/--noheadings/--bytes as list does, every JSON
document is valid UTF-8 with one escaping, errors echo the value given,
export names the file it writes, and a time series is one area.

Real mkswap images and the fixture dumps; nothing here swaps."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import SWAPFS, mkswap, run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FINDINGS = FIXTURES / "findings"
DUMPS = FIXTURES / "dumps"
SUMMARY = re.compile(r"^summary errors=(\d+) warnings=(\d+) info=(\d+) hidden=(\d+)"
                     r"((?: [a-z-]+=\d+)+)$")


def mkswap_label(path, label):
    """A real mkswap image labelled with @label's bytes (not UTF-8)."""
    mkswap(str(path))
    subprocess.run([b"mkswap", b"-q", b"-L", label, str(path).encode()], check=True)
    return str(path)


def run_t(*args, timeout=20):
    """swapfs, failing the test (not hanging it) if it blocks."""
    return subprocess.run([SWAPFS, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


# ---- 1. FIFOs: refused at once by every command that opens a path ----

def test_no_command_hangs_on_a_fifo(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    dump = tmp_path / "dump"
    dump.mkdir()
    for f in (DUMPS / "era-G").iterdir():
        (dump / f.name).write_bytes(f.read_bytes())
    (dump / "zswap").unlink()
    os.mkfifo(dump / "zswap")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    wl = next((FIXTURES / "workloads" / "good").iterdir())
    cases = [
        (["stat", fifo], 3, "neither a dump directory nor a swapfs snapshot file"),
        (["check", fifo], 3, "neither a dump directory"),
        (["import", fifo, "-o", tmp_path / "a.db"], 3, "neither a dump directory"),
        (["export", fifo, "-o", tmp_path / "e"], 3, "neither a dump directory"),
        (["stat", dump], 3, "zswap: is not a regular file"),
        (["check", dump], 3, "zswap: is not a regular file"),
        (["import", DUMPS / "era-G", "-o", fifo, "--append"], 3, "not a regular file"),
        (["sim", "-w", fifo, "-o", tmp_path / "s.db"], 3, "is not a regular file"),
        (["sim", "-w", wl, "--from", fifo, "-o", tmp_path / "s.db"], 3,
         "neither a dump directory"),
        (["sim", "-w", wl, "-o", fifo, "--append"], 3, "not a regular file"),
        (["mount", fifo, mnt], 3, "neither a dump directory"),
        (["header", fifo], 1, "not a regular file or block device"),
        (["label", fifo], 1, "not a regular file or block device"),
        (["undo", fifo], 1, "not a regular file"),
    ]
    for args, rc, msg in cases:
        p = run_t(*args)
        assert p.returncode == rc and msg in p.stderr, (args, p.returncode, p.stderr)
    assert not any(mnt.iterdir())


# ---- 7. check: problems first, a summary at the end ----

def _summary(p):
    last = p.stdout.splitlines()[-1]
    m = SUMMARY.match(last)
    assert m, p.stdout
    by = dict(kv.split("=") for kv in m.group(5).split())
    return [int(x) for x in m.groups()[:4]], {k: int(v) for k, v in by.items()}


def test_check_default_shows_warnings_and_errors_then_a_summary():
    # cache-only plants info findings only: nothing shown, exit 0
    p = run("check", FINDINGS / "cache-only", check=0)
    assert len(p.stdout.splitlines()) == 1
    counts, by = _summary(p)
    assert counts == [0, 0, 1, 1] and by["cache-only"] == 1 and by["misaligned"] == 0
    assert len(by) == 9
    # --severity info shows it, and still ends with the summary
    p = run("check", "--severity", "info", FINDINGS / "cache-only", check=0)
    assert p.stdout.splitlines()[0] == "cache-only cluster=1 offset=20 nr=3"
    assert _summary(p)[0] == [0, 0, 1, 0]
    # a warning is shown by default, and is a finding for the exit code
    p = run("check", FINDINGS / "mixed-order", check=1)
    lines = p.stdout.splitlines()
    assert [l.split()[0] for l in lines[:-1]] == ["mixed-order", "mixed-order"]
    assert _summary(p) == ([0, 2, 0, 0], {**{c: 0 for c in _summary(p)[1]},
                                          "mixed-order": 2})
    # --only limits the summary to the checks run
    p = run("check", "--only", "cache-only", FINDINGS / "cache-only", check=0)
    assert _summary(p)[1] == {"cache-only": 1}


def test_check_json_keeps_every_finding_and_counts_hidden():
    j = json.loads(run("check", "-J", FINDINGS / "cache-only", check=0).stdout)
    assert [f["check"] for f in j["findings"]] == ["cache-only"]
    j = json.loads(run("check", "-J", "--severity", "warning", FINDINGS / "cache-only",
                       check=0).stdout)
    assert j["findings"] == [] and j["summary"]["hidden"] == 1
    assert j["summary"]["checks"]["cache-only"] == 1


# ---- 8. tables: -o, --raw, --noheadings, --bytes ----

def test_check_table_options():
    src = FINDINGS / "mixed-order"
    p = run("check", "-o", "check,offset,size,detail", src, check=1)
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["CHECK", "OFFSET", "SIZE", "DETAIL"]
    assert lines[1].split() == ["mixed-order", "21", "4K", "cluster-order=2"]
    assert lines[2].split() == ["mixed-order", "24", "8K", "cluster-order=2"]
    assert SUMMARY.match(lines[3])
    p = run("check", "-r", "-n", "-b", "-o", "check,size", src, check=1)
    assert p.stdout == "mixed-order 4096\nmixed-order 8192\n"
    # +LIST adds to the default columns, as lsblk -o +LIST
    p = run("check", "-o", "+size", "-n", src, check=1)
    assert p.stdout.splitlines()[0].split() == ["mixed-order", "warning", "1", "21",
                                                "1", "0", "cluster-order=2", "4K"]
    assert "unknown column 'NOPE'" in run("check", "-o", "NOPE", src, check=2).stderr


def test_stat_table_options():
    src = FINDINGS / "mixed-order"
    p = run("stat", "-o", "order,size,clusters,allocatable", src, check=0)
    lines = p.stdout.splitlines()
    assert lines[0].split() == ["ORDER", "SIZE", "CLUSTERS", "ALLOCATABLE"]
    assert lines[1].split() == ["0", "4K", "15", "243"]
    p = run("stat", "-r", "-n", "-b", "-o", "order,size", src, check=0)
    assert p.stdout.splitlines()[:2] == ["0 4096", "1 8192"]
    j = json.loads(run("stat", "-J", "-o", "order,size", src, check=0).stdout)
    assert j["orders"][2] == {"order": 2, "size": 16384}
    # without -o: the whole report, sizes in bytes with --bytes
    p = run("stat", "--bytes", src, check=0)
    assert "1048576" in p.stdout and re.search(r"^\s+2\s+16384\s", p.stdout, re.M)
    assert run("stat", "-o", "+swpout", src, check=0).stdout.split()[:11] == [
        "ORDER", "SIZE", "CLUSTERS", "NONFULL", "FRAG", "FULL", "NONE", "RUNS",
        "FOLIOS", "ALLOCATABLE", "SWPOUT"]
    assert "unknown column 'NOPE'" in run("stat", "-o", "NOPE", src, check=2).stderr


def test_header_table_options(tmp_path):
    img = mkswap_label(tmp_path / "a.img", b"swap\xff")
    p = run("header", "-o", "devname,size,label", img, check=0)
    assert p.stdout.splitlines()[0].split() == ["DEVNAME", "SIZE", "LABEL"]
    assert p.stdout.splitlines()[1].split() == [img, "10M", "swap\\xff"]
    p = run("header", "-r", "-n", "-b", "-o", "size,pagesize,kernel_pagesize", img, check=0)
    assert p.stdout == "10485760 4096 4096\n"
    p = run("header", "-o", "+kernel_pagesize", img, check=0)
    assert p.stdout.split()[:10] == ["DEVNAME", "TYPE", "VERSION", "PAGESIZE", "SIZE",
                                     "UUID", "LABEL", "KERNEL_OK", "KERNEL_ERROR",
                                     "KERNEL_PAGESIZE"]


# ---- 6. JSON: valid UTF-8, one escaping, [] for an empty list ----

def test_json_is_utf8_with_one_escaping(tmp_path):
    img = mkswap_label(tmp_path / "a.img", b"x\xff")
    snap = tmp_path / "n.db"
    note = b"caf\xc3\xa9 \xff"
    subprocess.run([SWAPFS.encode(), b"sim", b"--builtin", b"selftest", b"-o",
                    str(snap).encode(), b"--note", note], check=True, capture_output=True)
    docs = {}
    for args in (["header", "-J", img], ["stat", "-J", snap], ["check", "-J", snap],
                 ["stat", "-J", DUMPS / "era-G"], ["list", "-J"]):
        out = subprocess.run([SWAPFS, *map(str, args)], capture_output=True).stdout
        out.decode("utf-8")             # strict: raises on a raw 0xff
        assert b"[null]" not in out.replace(b" ", b"").replace(b"\n", b"")
        docs[args[0] + str(args[-1])] = json.loads(out)
    # the same byte, escaped the same way by every command
    assert docs["header" + img]["headers"][0]["label"] == "x\\xff"
    assert docs["stat" + str(snap)]["source"]["note"].startswith("caf\u00e9 \\xff")
    # empty lists are []
    assert docs["header" + img]["headers"][0]["badpages"] == []
    assert docs["stat" + str(DUMPS / "era-G")]["counters"] == []
    assert docs["check" + str(snap)]["findings"] == []


# ---- 8. errors echo the value, files are named as written ----

@pytest.mark.parametrize("opt,val", [("--cluster-size", "1000"), ("--page-size", "5000")])
def test_sim_error_echoes_the_value(tmp_path, opt, val):
    p = run("sim", "--builtin", "selftest", "-o", tmp_path / "a.db", opt, val, check=2)
    assert f"{opt} '{val}': not a power of two" in p.stderr


def test_export_names_the_file_of_the_era(tmp_path):
    # era C has a SWAP_MAP_SHMEM slot, which era G's swap_table cannot say
    p = run("export", "--era", "G", DUMPS / "era-C", "-o", tmp_path / "g", check=3)
    assert "g/swap_table: slot" in p.stderr and "swap_map" not in p.stderr
    assert "[map-shmem-era]" in p.stderr and not (tmp_path / "g").exists()


def test_a_time_series_is_one_area(tmp_path):
    snap = tmp_path / "t.db"
    run("import", DUMPS / "era-G", "-o", snap, check=0)
    before = snap.read_bytes()
    # era A's dump: another cluster size; the simulator's: another slot count
    p = run("import", DUMPS / "era-A", "-o", snap, "--append", check=3)
    assert "its cluster size is 256, snapshot 1's is 512" in p.stderr
    assert "[snap-series]" in p.stderr
    p = run("sim", "--builtin", "selftest", "-o", snap, "--append", check=3)
    assert "its slot count is 16384, snapshot 1's is 4096" in p.stderr
    assert snap.read_bytes() == before
    # the same area appends
    run("import", DUMPS / "era-G", "-o", snap, "--append", check=0)
    j = json.loads(run("stat", "-J", "-s", "2", snap, check=0).stdout)
    assert j["source"]["snapshot"] == 2
