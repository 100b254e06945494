"""swapfs diff: what changed between two states of one device.

Every diff --json is checked against a recomputation that shares nothing
with it (diffcheck.py): over a simulated time series (20 snapshots of
`sim --every`, newest and 6.12 policies), over hand-made dumps (the human
lines and tables), over the analysis fixtures (every check appearing and
going). The running kernel's reads are test_diff_live.py's, which holds
the machine's swap lock; this module needs none.
"""
import json
import os

import pytest

from conftest import run
from diffcheck import assert_diff, export, from_json, stat

HERE = os.path.dirname(os.path.abspath(__file__))
FINDINGS = os.path.join(HERE, "..", "fixtures", "findings")


# ---- a simulated time series ----

@pytest.mark.parametrize("kernel,every,snapshots", [("newest", 150, 20), ("6.12", 600, 5)])
def test_series_equals_recomputation(tmp_path, kernel, every, snapshots):
    """20 steps of the simulator (the newest kernel's policy; 5 of 6.12's,
    whose era the dumps write otherwise): every pair of consecutive
    snapshots equals its recomputation."""
    db = tmp_path / "s.db"
    run("sim", "--builtin", "fragment:orders=0+2+4,fill=80,holes=50,hole_order=0",
        "--kernel", kernel, "--slots", 16384, "--every", every, "-o", db, check=0)
    p = run("diff", "--json", "--series", db)
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    assert doc["series"] == str(db)
    diffs = doc["diffs"]
    assert len(diffs) == snapshots - 1
    dumps = [export(db, tmp_path / f"d{i}", "-s", i) for i in range(1, len(diffs) + 2)]
    counted = stat(db, "-s", 1)["counters"]
    findings = 0
    for i, d in enumerate(diffs):
        assert (d["a"]["snapshot"], d["b"]["snapshot"]) == (i + 1, i + 2)
        assert d["b"]["step"] > d["a"]["step"]
        want = assert_diff(d, dumps[i], dumps[i + 1])
        assert want                # the allocator moved something every step
        findings += len(d["findings"])
        # the counters are those stored with each snapshot
        after = stat(db, "-s", i + 2)["counters"]
        for side, cs in (("a", counted), ("b", after)):
            for c in cs:
                for name, value in c.items():
                    if name != "order":
                        assert d["orders"][c["order"]]["counters"][name][side] == value
        counted = after
    assert findings                # holes made and filled partial blocks


def test_two_sources_of_any_kind(tmp_path):
    """A dump against a snapshot file, -s picking A's then B's snapshot."""
    db = tmp_path / "s.db"
    run("sim", "--builtin", "random:orders=0+4,fill=70,ops=3000", "--slots", 16384,
        "--every", 1000, "-o", db, check=0)
    d3 = export(db, tmp_path / "d3", "-s", 3)
    # the same state from two kinds of source: nothing printed, exit 0
    # (a dump's only snapshot is 1; the second -s picks B's)
    p = run("diff", "-s", 1, "-s", 3, d3, db, check=0)
    assert p.stdout == "" and p.stderr == ""
    # one -s picks A's snapshot, B is the last
    j1 = json.loads(run("diff", "--json", "-s", 3, db, db, check=1).stdout)
    j2 = json.loads(run("diff", "--json", d3, db, check=1).stdout)
    assert j1["clusters"] == j2["clusters"] and j1["findings"] == j2["findings"]
    assert j1["a"]["snapshot"] == 3
    assert j1["b"]["snapshot"] == stat(db)["source"]["snapshot"] > 3
    assert j2["a"]["kind"] == "dump" and j2["a"]["snapshot"] is None
    # the dump has no counters: listed as null, no difference
    c = j2["orders"][4]["counters"]["swpout"]
    assert c["a"] is None and c["b"] > 0
    assert_diff(j2, d3, export(db, tmp_path / "d4"))
    # reversed, every run is the other way round
    back = json.loads(run("diff", "--json", db, d3, check=1).stdout)
    fwd = from_json(j2)
    for ci, (sa, sb, n, runs) in from_json(back).items():
        assert fwd[ci][:3] == (sb, sa, n)
        assert [(f, l, t, fr, ch) for f, l, fr, t, ch in runs] == fwd[ci][3]


def test_file_at_n(tmp_path):
    """FILE@N names snapshot N of a snapshot file, as everywhere a source is
    taken: diff s.db@2 s.db@4 is diff -s 2 -s 4 s.db s.db. The parsing is
    the source layer's (source_name_split(), branch livecli); until this
    tree has it the test says so and skips."""
    db = tmp_path / "s.db"
    run("sim", "--builtin", "random:orders=0+4,fill=70,ops=2000", "--slots", 8192,
        "--every", 500, "-o", db, check=0)
    if run("stat", f"{db}@1").returncode:
        pytest.skip("the sources of this tree do not read FILE@N yet "
                    "(source_name_split, branch livecli)")
    at = json.loads(run("diff", "--json", f"{db}@2", f"{db}@4", check=1).stdout)
    ids = json.loads(run("diff", "--json", "-s", 2, "-s", 4, db, db, check=1).stdout)
    assert (at["a"]["snapshot"], at["b"]["snapshot"]) == (2, 4)
    for key in ("clusters", "findings", "orders", "totals", "summary"):
        assert at[key] == ids[key], key
    # the counters too: they are read from the snapshot FILE@N names
    assert at["orders"][4]["counters"]["swpout"]["a"] is not None
    run("diff", f"{db}@3", f"{db}@3", check=0)
    p = run("diff", f"{db}@x", db, check=3)
    assert "snapshot number" in p.stderr


# ---- hand-made dumps: the human lines ----

def write_dump(path, clusters, slots, orders=(), max_=2048, cs=512, cache=(), zswap=(),
               kernel="7.1.0"):
    """A dump: clusters [(count, flags, order)], slots {i: count, "bad" or
    "shmem"}, orders [(offset, order)], cache ["offset order flags"], zswap
    {slot}; era G (swap_table) for 7.1, else a swap_map."""
    os.makedirs(path)
    with open(path / "info", "w") as f:
        f.write(f"format: swapfs-dump 1\nkernel: {kernel}\npage_size: 4096\n"
                f"cluster_size: {cs}\nmax: {max_}\n")
    with open(path / "clusters", "w") as f:
        for i, (count, flags, order) in enumerate(clusters):
            f.write(f"{i} {count} {flags} {order}\n")
    big = {i: c for i, c in slots.items() if c not in ("bad", "shmem") and c > 14}
    if kernel == "7.1.0":
        words = bytearray(8 * max_)
        for i, count in slots.items():
            w = (~0 << 3) & (2 ** 64 - 1) if count == "bad" else min(count, 15) << 60 | 1
            words[8 * i:8 * i + 8] = w.to_bytes(8, "little")
        (path / "swap_table").write_bytes(bytes(words))
    else:
        big = {i: c for i, c in big.items() if c > 62}
        smap = bytearray(max_)
        for i, count in slots.items():
            smap[i] = {"bad": 0x3f, "shmem": 0xbf}.get(count) or \
                (0x80 | count % 63 if count > 62 else count)
        (path / "swap_map").write_bytes(bytes(smap))
    if big:
        (path / "continued").write_text("".join(f"{i} {c}\n" for i, c in sorted(big.items())))
    with open(path / "orders", "w") as f:
        for off, order in orders:
            f.write(f"{off} {order}\n")
    if cache:
        (path / "cache").write_text("".join(c + "\n" for c in cache))
    if zswap:
        bits = bytearray((max_ + 7) // 8)
        for i in zswap:
            bits[i // 8] |= 1 << (i % 8)
        (path / "zswap").write_bytes(bytes(bits))
    return path


def table(lines, head):
    """The rows (split on blanks) of the table whose header starts with @head."""
    start = next(i for i, l in enumerate(lines) if l.split()[:1] == [head])
    end = lines.index("", start)
    return [l.split() for l in lines[start:end]]


def test_human_lines_and_exit_codes(tmp_path):
    full = {0: "bad", **{i: 1 for i in range(512, 1024)}}
    a = write_dump(tmp_path / "a", [(1, "nonfull", 0), (512, "full", 0), (0, "free", 0),
                                    (0, "free", 0)], full)
    holes = {i: c for i, c in full.items() if not 512 <= i <= 543}
    holes[600] = 2
    b = write_dump(tmp_path / "b", [(1, "nonfull", 0), (480, "nonfull", 0), (0, "free", 0),
                                    (0, "free", 0)], holes)
    p = run("diff", a, b, check=1)
    lines = p.stdout.splitlines()
    assert lines[0].startswith(f"--- {a}") and lines[1].startswith(f"+++ {b}")
    assert "cluster 1: list full -> nonfull, count 512 -> 480" in lines
    assert "cluster 1: 32 slots used -> free at 512-543" in lines
    assert "cluster 1: 1 slot used -> used at 600 (count)" in lines
    # the numbers as tables (libsmartcols, as stat): only the rows that differ
    orders = table(lines, "ORDER")
    assert orders[0] == ["ORDER", "SIZE", "VALUE", "A", "B", "DELTA"]
    assert ["0", "4K", "allocatable", "1535", "1567", "+32"] in orders
    assert all(r[2] != "runs" for r in orders)
    assert table(lines, "TOTAL") == [["TOTAL", "A", "B", "DELTA"],
                                     ["used", "512", "480", "-32"],
                                     ["free", "1535", "1567", "+32"]]
    assert lines[-1] == "1 cluster changed (33 slots), 0 findings added, 0 removed"
    assert not any(l.startswith("cluster 0") for l in lines)
    assert_diff(json.loads(run("diff", "--json", a, b, check=1).stdout), a, b)
    # the same state: nothing, 0
    p = run("diff", a, a, check=0)
    assert p.stdout == ""
    assert json.loads(run("diff", "--json", a, a, check=0).stdout)["summary"]["same"]


def test_findings_seen_through_folios_and_crossing_runs(tmp_path):
    """A finding moves where no slot of its cluster did: a folio added over
    uncached slots (orphan-cache), a run crossing into the next cluster
    whose slots there went to zswap (mixed-backing of the run's cluster)."""
    clusters = [(1, "nonfull", 0), (20, "nonfull", 4), (4, "nonfull", 0), (0, "free", 0)]
    slots = {0: "bad", **{i: 1 for i in range(512, 528)},
             **{i: 1 for i in range(1020, 1028)}}
    runs = [(1020, 3)]
    a = write_dump(tmp_path / "a", clusters, slots, runs)
    b = write_dump(tmp_path / "b", clusters, slots, runs, cache=["512 4 uptodate"])
    d = json.loads(run("diff", "--json", a, b, check=1).stdout)
    assert d["clusters"] == [] and not d["summary"]["same"]
    assert [(f["change"], f["check"]) for f in d["findings"]] == [("added", "orphan-cache")]
    assert_diff(d, a, b)
    c = write_dump(tmp_path / "c", clusters, slots, runs, zswap={1025, 1026})
    d = json.loads(run("diff", "--json", a, c, check=1).stdout)
    assert [x["cluster"] for x in d["clusters"]] == [2]
    assert [(f["change"], f["check"], f["cluster"]) for f in d["findings"]] == \
        [("added", "mixed-backing", 1)]
    assert_diff(d, a, c)


@pytest.mark.parametrize("kernel", ["7.1.0", "6.18.44"])
def test_counts_beyond_a_word_and_shmem(tmp_path, kernel):
    """An exact count kept beside the slot words changes (200 -> 201), and
    (eras up to E) a slot changes owner from shmem to a page table."""
    shmem = kernel != "7.1.0"
    clusters = [(1, "nonfull", 0), (2, "nonfull", 0), (0, "free", 0), (0, "free", 0)]
    a = write_dump(tmp_path / "a", clusters, {0: "bad", 520: 200,
                                              521: "shmem" if shmem else 1}, kernel=kernel)
    b = write_dump(tmp_path / "b", clusters, {0: "bad", 520: 201, 521: 1}, kernel=kernel)
    d = json.loads(run("diff", "--json", a, b, check=1).stdout)
    runs = [(r["first"], r["from"], r["to"], r["changed"]) for r in d["clusters"][0]["runs"]]
    assert runs == [(520, "used", "used", "count")] + \
        ([(521, "used", "used", "shmem")] if shmem else [])
    assert_diff(d, a, b)
    assert "cluster 1: 1 slot used -> used at 520 (count)" in run("diff", a, b).stdout


def test_geometry_is_an_error_not_a_diff(tmp_path):
    a = write_dump(tmp_path / "a", [(1, "nonfull", 0)] + [(0, "free", 0)] * 3, {0: "bad"})
    b = write_dump(tmp_path / "b", [(1, "nonfull", 0)] + [(0, "free", 0)] * 7, {0: "bad"},
                   max_=4096)
    c = write_dump(tmp_path / "c", [(1, "nonfull", 0)] + [(0, "free", 0)] * 7, {0: "bad"},
                   cs=256)
    for x in (b, c):
        p = run("diff", a, x, check=2)
        assert p.stdout == ""
        assert "[diff-geometry]" in p.stderr and str(a) in p.stderr and str(x) in p.stderr
        assert "one device" in p.stderr


@pytest.mark.parametrize("args,message", [
    ([], "two sources to compare"),
    (["A"], "two sources to compare"),
    (["A", "A", "A"], "two sources at a time"),
    (["--series", "A", "A"], "no other source"),
    (["--series", "A", "-s", "1"], "mutually exclusive"),
    (["-s", "1", "-s", "2", "-s", "3", "A", "A"], "at most twice"),
    (["-s", "0x", "A", "A"], "invalid snapshot id"),
])
def test_usage_errors(tmp_path, args, message):
    a = write_dump(tmp_path / "a", [(1, "nonfull", 0)] + [(0, "free", 0)] * 3, {0: "bad"})
    p = run("diff", *[str(a) if x == "A" else x for x in args], check=2)
    assert message in p.stderr and p.stdout == ""


def test_unreadable_sources(tmp_path):
    a = write_dump(tmp_path / "a", [(1, "nonfull", 0)] + [(0, "free", 0)] * 3, {0: "bad"})
    p = run("diff", a, tmp_path / "nonexistent", check=3)
    assert "nonexistent" in p.stderr
    p = run("diff", "--series", a, check=3)
    assert "not a swapfs snapshot file" in p.stderr
    p = run("diff", a, a, "-s", 2, check=3)
    assert "one snapshot" in p.stderr


# ---- every check appearing and going: the analysis fixtures ----

OTHERS = sorted(n for n in os.listdir(FINDINGS) if n not in ("clean", "count-mismatch"))


@pytest.mark.parametrize("name", OTHERS)
def test_findings_fixtures(name):
    """clean -> a fixture with findings: added and removed as check says."""
    a, b = os.path.join(FINDINGS, "clean"), os.path.join(FINDINGS, name)
    for x, y in ((a, b), (b, a)):
        d = json.loads(run("diff", "--json", x, y, check=1).stdout)
        assert_diff(d, x, y)
    d = json.loads(run("diff", "--json", a, b, check=1).stdout)
    assert any(f["check"] == name and f["change"] == "added" for f in d["findings"])


def test_count_mismatch_fixture_is_another_geometry():
    p = run("diff", os.path.join(FINDINGS, "clean"), os.path.join(FINDINGS, "count-mismatch"),
            check=2)
    assert "250 slots" in p.stderr and "256 slots" in p.stderr
