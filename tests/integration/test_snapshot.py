"""swapfs import / export / stat / check on dumps and snapshot files.

The fixtures are small dumps: one per kernel era (tests/fixtures/dumps),
a corpus of malformed ones each with the rule it breaks
(tests/fixtures/bad-dumps), and one per check with the exact findings
expected (tests/fixtures/findings). Totals are checked against a decoder
written here in Python from the dump format, independent of the C one.
"""
import filecmp
import json
import os
import resource
import sqlite3
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import SWAPFS, run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ERAS = sorted(p.name for p in (FIXTURES / "dumps").iterdir() if p.is_dir())
BAD = sorted(p.name for p in (FIXTURES / "bad-dumps").iterdir() if p.is_dir())
FINDINGS = sorted(p.name for p in (FIXTURES / "findings").iterdir() if p.is_dir())
# ASan reserves terabytes of address space: no RLIMIT_AS under it
SANITIZED = b"__asan_init" in Path(SWAPFS).read_bytes()
CHECKS = ["misaligned", "count-mismatch", "list-mismatch", "bad-in-use",
          "orphan-cache", "mixed-backing", "mixed-order", "partial-block",
          "cache-only"]
SEVERITY = {"misaligned": "error", "count-mismatch": "error",
            "list-mismatch": "error", "bad-in-use": "error",
            "orphan-cache": "error", "mixed-backing": "error",
            "mixed-order": "warning", "partial-block": "info",
            "cache-only": "info"}


# ---- an independent decoder of the dump format (totals only) ----

def read_info(d):
    info = {}
    for line in (d / "info").read_text().splitlines():
        if line and not line.startswith("#"):
            k, _, v = line.partition(":")
            info[k.strip()] = v.strip()
    return info


def era_of(info):
    if "era" in info:
        return info["era"]
    major, minor = (int(x) for x in info["kernel"].split(".")[:2])
    v = (major, minor)
    if v <= (6, 9):
        return "A"
    if v <= (6, 11):
        return "B"
    if v <= (6, 13):
        return "C"
    if v <= (6, 17):
        return "D"
    if v <= (6, 19):
        return "E"
    return "F" if v == (7, 0) else "G"


def text_lines(path):
    if not path.exists():
        return []
    return [l.split() for l in path.read_text().splitlines()
            if l.strip() and not l.startswith("#")]


def bitmap(path, nbits):
    if not path.exists():
        return [False] * nbits
    data = path.read_bytes()
    return [bool(data[i >> 3] >> (i & 7) & 1) for i in range(nbits)]


def decode_totals(d):
    """slots_used/free/cached/cache_only/bad/zero/zswap of dump dir d."""
    info = read_info(d)
    era, n, cs = era_of(info), int(info["max"]), int(info["cluster_size"])
    clusters = text_lines(d / "clusters")
    discard = {int(c[0]) for c in clusters if c[2] == "discard"}
    folio_slots = set()
    for f in text_lines(d / "cache"):
        off, order = int(f[0]), int(f[1])
        folio_slots.update(range(off, off + (1 << order)))
    used = cached = bad = 0
    state = []  # (count>0, cached, bad)
    if era == "G":
        data = (d / "swap_table").read_bytes()
        for i in range(n):
            w, = struct.unpack_from("<Q", data, 8 * i)
            if w == 0:
                st = (False, False, False)
            elif w == 0xFFFFFFFFFFFFFFF8:
                st = (False, False, True)
            else:
                st = ((w >> 60) > 0, (w & 3) == 2, False)
            state.append(st)
    else:
        data = (d / "swap_map").read_bytes()
        for i, b in enumerate(data):
            st = (False, False, False)
            has_cache = bool(b & 0x40) if era <= "E" else i in folio_slots
            if era <= "D" and i // cs in discard:
                pass
            elif b & 0x3f == 0x3f and b & 0x80 == 0:
                st = (False, has_cache, True)
            else:
                count = b & 0x3f if not (b & 0x80) else 1
                if b in (0xbf, 0xff):
                    count = 1
                st = (count > 0, has_cache, False)
            state.append(st)
    zero, zswap = bitmap(d / "zeromap", n), bitmap(d / "zswap", n)
    t = dict(slots_used=0, slots_free=0, slots_cached=0, slots_cache_only=0,
             slots_bad=0, slots_zero=sum(zero), slots_zswap=sum(zswap))
    for u, c, b in state:
        t["slots_used"] += u
        t["slots_cached"] += c
        t["slots_bad"] += b
        t["slots_cache_only"] += c and not u and not b
        t["slots_free"] += not (u or c or b)
    return t


# ---- era fixtures: import, export, round trip ----

@pytest.mark.parametrize("era", ERAS)
def test_import_export_round_trip(era, tmp_path):
    src = FIXTURES / "dumps" / era
    snap, out = tmp_path / "snap.db", tmp_path / "out"
    run("import", src, "-o", snap, check=0)
    assert snap.read_bytes()[:16] == b"SQLite format 3\0"
    run("export", snap, "-o", out, check=0)
    names = sorted(p.name for p in src.iterdir() if p.is_file())
    assert sorted(p.name for p in out.iterdir()) == names
    for name in names:
        assert (out / name).read_bytes() == (src / name).read_bytes(), name
    # no temporary left beside either output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "snap.db"]


@pytest.mark.parametrize("era", ERAS)
def test_stat_totals_match_independent_decoder(era, tmp_path):
    src = FIXTURES / "dumps" / era
    info = read_info(src)
    want = decode_totals(src)
    for source in (src, tmp_path / "snap.db"):
        if source != src:
            run("import", src, "-o", source, check=0)
        st = json.loads(run("stat", "--json", source, check=0).stdout)
        got = {k: st["totals"][k] for k in want}
        assert got == want, source
        assert st["device"]["slots"] == int(info["max"])
        assert st["source"]["era"] == era_of(info)
        assert st["source"]["kernel"] == info["kernel"]
        assert st["info"] == info
        flags = [c[2] for c in text_lines(src / "clusters")]
        assert st["clusters"] == {f: flags.count(f) for f in
                                  ("none", "free", "nonfull", "frag", "full", "discard")}


def test_stat_human(tmp_path):
    src = FIXTURES / "dumps" / ERAS[-1]
    p = run("stat", src, check=0)
    assert "Slots:" in p.stdout and "ALLOCATABLE" in p.stdout
    nr_orders = json.loads(run("stat", "-J", src, check=0).stdout)["device"]["nr_orders"]
    table = p.stdout.split("ALLOCATABLE", 1)[1].strip().splitlines()
    assert len(table) == nr_orders


def test_export_era_conversion_preserves_the_model(tmp_path):
    src = FIXTURES / "dumps" / "era-E"
    g, back = tmp_path / "g", tmp_path / "back"
    run("export", src, "--era", "G", "-o", g, check=0)
    assert (g / "swap_table").stat().st_size == 8 * int(read_info(src)["max"])
    assert not (g / "swap_map").exists()
    assert read_info(g)["era"] == "G"
    run("export", g, "--era", "E", "-o", back, check=0)
    for name in ("swap_map", "clusters", "cache"):
        assert (back / name).read_bytes() == (src / name).read_bytes(), name
    assert decode_totals(g) == decode_totals(src)


def test_export_refuses_what_the_era_cannot_express(tmp_path):
    # era A has SWAP_MAP_SHMEM slots; eras after E have no such encoding
    p = run("export", FIXTURES / "dumps" / "era-A", "--era", "G", "-o", tmp_path / "x")
    assert p.returncode == 3
    assert "shmem" in p.stderr.lower()
    assert not (tmp_path / "x").exists()
    assert list(tmp_path.iterdir()) == []


def test_export_refuses_non_empty_dir(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep").write_text("mine\n")
    p = run("export", FIXTURES / "dumps" / "era-G", "-o", out)
    assert p.returncode == 3
    assert (out / "keep").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_import_refuses_existing_then_force_and_append(tmp_path):
    snap = tmp_path / "snap.db"
    snap.write_text("precious\n")
    p = run("import", FIXTURES / "dumps" / "era-G", "-o", snap)
    assert p.returncode == 3 and "--append" in p.stderr
    assert snap.read_text() == "precious\n"
    run("import", "--force", FIXTURES / "dumps" / "era-G", "-o", snap, check=0)
    run("import", "--append", FIXTURES / "dumps" / "era-E", "-o", snap,
        "--note", "second", check=0)
    s1 = json.loads(run("stat", "-J", "-s", "1", snap, check=0).stdout)
    s2 = json.loads(run("stat", "-J", "-s", "2", snap, check=0).stdout)
    last = json.loads(run("stat", "-J", snap, check=0).stdout)
    assert (s1["source"]["era"], s2["source"]["era"]) == ("G", "E")
    assert s1["source"]["snapshot"] == 1 and s2["source"]["snapshot"] == 2
    assert last == s2
    assert s2["source"]["note"] == "second"
    p = run("stat", "-s", "3", snap)
    assert p.returncode == 3
    # the file is a plain SQLite database people can query
    db = sqlite3.connect(snap)
    assert db.execute("select count(*) from snapshots").fetchone()[0] == 2
    db.close()


def test_source_that_is_neither(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello\n")
    p = run("check", f)
    assert p.returncode == 3
    assert "[source-kind]" in p.stderr
    p = run("check", tmp_path / "missing")
    assert p.returncode == 3


# ---- the malformed corpus: each rejected with its rule ----

@pytest.mark.parametrize("case", BAD)
def test_bad_dump_rejected_with_its_rule(case):
    d = FIXTURES / "bad-dumps" / case
    rule, where = (d / "expect").read_text().splitlines()[:2]

    def limit_memory():
        # a dump claiming 2^32 slots must be refused before allocating
        if not SANITIZED:
            resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))

    p = subprocess.run([SWAPFS, "check", str(d)], capture_output=True, text=True,
                       preexec_fn=limit_memory)
    assert p.returncode == 3, p.stderr
    assert p.stdout == ""
    assert f"[{rule}]" in p.stderr, p.stderr
    assert where in p.stderr, p.stderr
    assert str(d) in p.stderr


def test_bad_snapshot_row_rejected(tmp_path):
    snap = tmp_path / "snap.db"
    run("import", FIXTURES / "dumps" / "era-G", "-o", snap, check=0)
    db = sqlite3.connect(snap)
    db.execute("update clusters set flags = 'bogus' where idx = 1")
    db.commit()
    db.close()
    p = run("check", snap)
    assert p.returncode == 3
    assert "bogus" in p.stderr and str(snap) in p.stderr


# ---- findings: planted and found, exactly ----

@pytest.mark.parametrize("case", FINDINGS)
def test_findings_exact(case, tmp_path):
    d = FIXTURES / "findings" / case
    want = (d / "expected").read_text()
    for source in (d, tmp_path / "snap.db"):
        if source != d:
            run("import", d, "-o", source, check=0)
        p = run("check", "--severity", "info", source)
        assert _findings(p) == want, source
        shown = [l.split()[0] for l in want.splitlines()]
        serious = any(SEVERITY[c] in ("error", "warning") for c in shown)
        assert p.returncode == (1 if serious else 0)
        if case in CHECKS:
            assert case in shown, f"{case} fixture does not plant its check"
        # stat counts what check prints
        st = json.loads(run("stat", "--json", source, check=0).stdout)["findings"]
        assert {c: st[c] for c in CHECKS} == {c: shown.count(c) for c in CHECKS}
        assert st["errors"] == sum(SEVERITY[c] == "error" for c in shown)
        assert st["warnings"] == sum(SEVERITY[c] == "warning" for c in shown)
        assert st["info"] == sum(SEVERITY[c] == "info" for c in shown)


def _findings(p):
    """check's finding lines, without the summary line that ends them."""
    lines = p.stdout.splitlines(keepends=True)
    assert lines and lines[-1].startswith("summary errors="), p.stdout
    return "".join(lines[:-1])


def test_clean_has_no_findings():
    p = run("check", FIXTURES / "findings" / "clean", check=0)
    assert _findings(p) == ""
    j = json.loads(run("check", "-J", FIXTURES / "findings" / "clean", check=0).stdout)
    assert j["findings"] == []
    assert j["summary"]["errors"] == j["summary"]["warnings"] == j["summary"]["info"] == 0


def test_check_json_matches_lines():
    for case in FINDINGS:
        d = FIXTURES / "findings" / case
        lines = (d / "expected").read_text().splitlines()
        j = json.loads(run("check", "--json", d).stdout)
        assert len(j["findings"]) == len(lines)
        for f, line in zip(j["findings"], lines):
            words = line.split()
            kv = dict(w.split("=", 1) for w in words[1:])
            assert f["check"] == words[0]
            assert f["severity"] == SEVERITY[words[0]]
            assert f["cluster"] == int(kv["cluster"])
            assert f["offset"] == int(kv["offset"])
            assert f["nr"] == int(kv["nr"])
            assert f["order"] == (int(kv["order"]) if "order" in kv else None)
            assert f["detail"] == kv.get("detail")
        counts = {c: sum(1 for l in lines if l.split()[0] == c) for c in CHECKS}
        assert j["summary"]["checks"] == counts


def test_only_and_severity_filters():
    everything = []
    for case in FINDINGS:
        d = FIXTURES / "findings" / case
        lines = (d / "expected").read_text().splitlines()
        everything += lines
        p = run("check", "--severity", "info", "--only", "misaligned,cache-only", d)
        assert _findings(p).splitlines() == [l for l in lines
                                             if l.split()[0] in ("misaligned", "cache-only")]
        p = run("check", "--severity", "warning", d)
        assert _findings(p).splitlines() == [l for l in lines
                                             if SEVERITY[l.split()[0]] != "info"]
        assert p.returncode == (1 if _findings(p) else 0)
        p = run("check", "--severity", "error", d)
        assert _findings(p).splitlines() == [l for l in lines
                                             if SEVERITY[l.split()[0]] == "error"]
    assert {l.split()[0] for l in everything} == set(CHECKS)


def test_check_usage_errors():
    d = FIXTURES / "findings" / "clean"
    assert run("check", "--only", "bogus", d).returncode == 2
    assert run("check", "--severity", "loud", d).returncode == 2
    assert run("check").returncode == 2
    assert run("check", "-s", "0", d).returncode == 2
    assert run("import", d).returncode == 2
    assert run("export", d).returncode == 2
    assert run("export", "--era", "H", d, "-o", "/nonexistent/x").returncode == 2


# ---- big maps: decoded by two threads ----

MKDUMP = Path(SWAPFS).resolve().parents[2] / "tools" / "bench" / "swapfs-mkdump"


def test_big_map_split_between_threads(tmp_path):
    """A 64 MiB swap_table is decoded by two threads (dump-read.c): the
    model must be the one a single reading gives, so export gives back
    every byte, and errors in either half are named as they would be."""
    src = tmp_path / "d"
    subprocess.run([MKDUMP, "--slots", str(1 << 23), "--era", "G", src], check=True)
    # the careful path (continued counts) is needed in both halves
    cont = [int(l[0]) for l in text_lines(src / "continued")]
    assert min(cont) < 1 << 22 <= max(cont)
    snap, out = tmp_path / "s.db", tmp_path / "out"
    run("import", src, "-o", snap, check=0)
    run("export", snap, "-o", out, check=0)
    for f in src.iterdir():
        assert (out / f.name).read_bytes() == f.read_bytes(), f.name
    table = src / "swap_table"
    for slot in (1_000_000, 6_000_000):     # first half, second half
        good = table.read_bytes()[8 * slot:8 * slot + 8]
        with open(table, "r+b") as f:
            f.seek(8 * slot)
            f.write(struct.pack("<Q", 4))   # the reserved pointer kind
        p = run("import", "--force", src, "-o", snap, check=3)
        assert p.stderr == (f"swapfs: {table}: byte {8 * slot}: word 0x0000000000000004"
                            f" at slot {slot}: low bits 100 are the pointer kind,"
                            f" reserved and never stored [table-kind]\n")
        with open(table, "r+b") as f:
            f.seek(8 * slot)
            f.write(good)
