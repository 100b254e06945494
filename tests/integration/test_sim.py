"""swapfs sim: the allocator simulator from the command line.

What the simulator decides is tested in tests/unit/test-sim.c (one test
per allocator rule) and tests/unit/test-workload.c (the language); here:
the command's contract. Same seed, same file; a time series with
--every; --from continues with the counters; stat shows the counters;
the state passes every check of the analysis; refusals are clear; with
--explain, the fallback reasons of every order sum to its swpout_fallback
(the trace and the views of the reasons: test_explain.py).
"""
import json
import sqlite3
from pathlib import Path

import pytest

from conftest import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workloads"
ORDERS = ("swpout", "swpout_fallback", "swpin", "swpin_fallback")


def stat(path, *extra):
    return json.loads(run("stat", "--json", *extra, path, check=0).stdout)


def export_bytes(tmp_path, db, name):
    out = tmp_path / name
    run("export", db, "-o", out, check=0)
    return {p.name: p.read_bytes() for p in out.iterdir()}


def counters(st, order):
    return next(c for c in st["counters"] if c["order"] == order)


# swapfs(8), EXPLAIN: every reason sim --explain may store
REASONS = {"off_avail_list", "no_swap_pages", "not_blkdev", "no_cluster_info",
           "free_empty", "free_no_room", "nonfull_empty", "nonfull_no_room",
           "frag_empty", "frag_no_room", "unrecorded"}


def assert_reasons_sum(st):
    """--explain's rule: per order, the reasons sum to swpout_fallback.

    Returns {order: fallback_reasons} of the orders that fell back."""
    seen = {}
    for c in st["counters"]:
        r = c["fallback_reasons"]
        assert set(r) <= REASONS, r
        assert sum(r.values()) == c["swpout_fallback"], c
        assert set(c["steals"]) <= {"frag", "nonfull"}, c
        if r:
            seen[c["order"]] = r
    return seen


def test_same_seed_same_state_other_seed_differs(tmp_path):
    spec = "random:orders=0+2+4,fill=80,ops=20000"
    a, b, c = (tmp_path / n for n in ("a.db", "b.db", "c.db"))
    run("sim", "--builtin", spec, "--slots", 65536, "--seed", 7, "-o", a, check=0)
    run("sim", "--builtin", spec, "--slots", 65536, "--seed", 7, "-o", b, check=0)
    run("sim", "--builtin", spec, "--slots", 65536, "--seed", 8, "-o", c, check=0)
    ea, eb, ec = (export_bytes(tmp_path, x, x.stem + "-out") for x in (a, b, c))
    assert ea == eb
    assert ea["swap_table"] != ec["swap_table"]
    sa, sb = stat(a), stat(b)
    assert sa["counters"] == sb["counters"]
    assert sa["source"]["kind"] == "sim"
    assert sa["source"]["path"] == spec
    assert "--seed 7" in sa["source"]["note"]


def test_state_is_consistent_and_counters_match_runs(tmp_path):
    db = tmp_path / "s.db"
    run("sim", "--builtin", "random:orders=0+2+4,fill=90,ops=50000", "--size", "256M",
        "--cpus", 4, "-o", db, check=0)
    st = stat(db)
    assert st["device"]["slots"] == 65536
    assert st["source"]["kernel"] == "newest" and st["source"]["era"] == "G"
    f = st["findings"]
    # the model never produces what only a broken kernel or exporter would
    for check in ("misaligned", "count-mismatch", "list-mismatch", "bad-in-use",
                  "orphan-cache"):
        assert f[check] == 0, check
    used = st["totals"]["slots_used"]
    assert abs(used - 0.9 * 65535) < 0.02 * 65536
    for k in (2, 4):
        c = counters(st, k)
        assert set(ORDERS) <= set(c)
        assert c["swpout"] > 0
    # every known run of order k is 2^k aligned slots
    orders = {o["order"]: o for o in st["orders"]}
    assert orders[2]["runs"] > 0 and orders[4]["runs"] > 0
    assert run("check", "--severity", "error", db, check=0).stdout.startswith(
        "summary errors=0 warnings=0 ")


def test_selftest_does_not_fall_back_and_full_device_does(tmp_path):
    ok, full = tmp_path / "ok.db", tmp_path / "full.db"
    run("sim", "--builtin", "selftest:rounds=30", "-o", ok, check=0)
    st = stat(ok)
    assert st["device"]["slots"] == 16384       # device=64M by default
    c = counters(st, 4)
    assert c["swpout"] > 0 and c["swpout_fallback"] == 0
    run("sim", "--builtin", "selftest:rounds=30,area=63M", "--explain", "-o", full, check=0)
    c = counters(stat(full), 4)
    assert c["swpout_fallback"] > 0
    assert assert_reasons_sum(stat(full)) == {4: {"frag_empty": c["swpout_fallback"]}}
    human = run("stat", full, check=0).stdout
    assert "SWPOUT_FALLBACK" in human and "FALLBACK%" in human


def test_every_makes_a_time_series(tmp_path):
    db = tmp_path / "t.db"
    run("sim", "--builtin", "random:orders=0+4,fill=70,ops=3000", "--slots", 16384,
        "--every", 1000, "-o", db, check=0)
    con = sqlite3.connect(db)
    steps = [r[0] for r in con.execute("select step from snapshots order by id")]
    con.close()
    assert len(steps) >= 4
    assert steps == sorted(steps)
    assert all(s % 1000 == 0 for s in steps[:-1])
    first, last = stat(db, "-s", "1"), stat(db)
    assert first["source"]["step"] == steps[0]
    assert last["source"]["step"] == steps[-1]
    assert first["totals"] != last["totals"]


def test_from_continues_with_counters(tmp_path):
    a, b, whole = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "w.db"
    wl = tmp_path / "w.wl"
    wl.write_text("swapout 4 40 tag=a\nswapout 2 40 tag=b\nfree a 0 100\n")
    run("sim", "-w", wl, "--slots", 8192, "-o", a, check=0)
    run("sim", "-w", wl, "--from", a, "-o", b, check=0)
    sa, sb = stat(a), stat(b)
    for k in (2, 4):
        assert counters(sb, k)["swpout"] == 2 * counters(sa, k)["swpout"]
    assert sb["totals"]["slots_used"] > sa["totals"]["slots_used"]
    # a geometry that contradicts the snapshot is refused, naming it
    p = run("sim", "-w", wl, "--from", a, "--slots", 4096, "-o", whole, check=2)
    assert "slots" in p.stderr
    # a dump imported from elsewhere can be continued too
    dump = tmp_path / "dump"
    run("export", a, "-o", dump, check=0)
    run("sim", "-w", wl, "--from", dump, "-o", whole, check=0)
    assert stat(whole)["totals"]["slots_used"] == sb["totals"]["slots_used"]


# random churn on every device, and the kernel's selftest (newest) or the
# fragmenting generator (6.12): three workloads, each on half the devices or more
EXPLAIN_WORKLOADS = {
    "newest": (("random:orders=0+2+4,fill=99,ops=10000", "32M"),
               ("selftest:rounds=30,area=63M", "64M")),
    "6.12": (("random:orders=0+2+4,fill=99,ops=10000", "32M"),
             ("fragment:orders=0+4,fill=99,holes=40,hole_order=0", "32M")),
}


def stored_reasons(db):
    """The last snapshot's stored reasons, read from the counters table
    (no stat: one process less a run), as stat's JSON has them."""
    con = sqlite3.connect(db)
    rows = con.execute("select ord, name, value from counters where snapshot ="
                       " (select max(id) from snapshots)").fetchall()
    con.close()
    st = {"counters": []}
    for k in sorted({o for o, _, _ in rows if o > 0}):
        c = {n: v for o, n, v in rows if o == k}
        st["counters"].append({
            "order": k, "swpout_fallback": c.get("swpout_fallback", 0),
            "fallback_reasons": {n[9:]: v for n, v in c.items()
                                 if n.startswith("fallback_") and v},
            "steals": {n[6:]: v for n, v in c.items() if n.startswith("steal_") and v}})
    return st


@pytest.mark.parametrize("kernel", ["newest", "6.12"])
@pytest.mark.parametrize("device", ["", "--rotational", "--discard", "--swapfile",
                                    "--cpus=2"])
def test_explain_reasons_sum_to_fallbacks(kernel, device, tmp_path):
    """The issue's acceptance: in every run, per order, reasons sum to swpout_fallback."""
    db = tmp_path / "x.db"
    reasons = set()
    for wl, size in EXPLAIN_WORKLOADS[kernel]:
        run("sim", "--builtin", wl, "--size", size, "--kernel", kernel, "--explain",
            *([device] if device else []), "-o", db, "-f", check=0)
        for r in assert_reasons_sum(stored_reasons(db)).values():
            reasons |= set(r)
    # the refusals before any cluster: all of them, on those devices
    if device == "--swapfile":
        assert reasons == {"not_blkdev"}
    elif device == "--rotational" and kernel == "6.12":
        assert reasons == {"no_cluster_info"}
    else:
        assert {"frag_empty", "frag_no_room"} <= reasons


def test_explain_continues_with_unrecorded_fallbacks(tmp_path):
    """--from a state counted without --explain: its fallbacks are "unrecorded"."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    spec = "random:orders=0+2+4,fill=99,ops=20000"
    run("sim", "--builtin", spec, "--slots", 16384, "-o", a, check=0)
    run("sim", "--builtin", spec, "--from", a, "--explain", "-o", b, check=0)
    sa, sb = stat(a), stat(b)
    before = counters(sa, 4)["swpout_fallback"]
    assert before > 0 and "fallback_reasons" not in counters(sa, 4)
    seen = assert_reasons_sum(sb)
    assert seen[4]["unrecorded"] == before
    assert counters(sb, 4)["swpout_fallback"] >= before


def sim_options(path):
    """The device a fixture's '# sim: key=value ...' line asks for, as options."""
    opts = []
    for line in path.read_text().splitlines():
        if line.startswith("# sim:"):
            for kv in line[len("# sim:"):].split():
                k, _, v = kv.partition("=")
                opts += {"slots": ["--slots", v], "cpus": ["--cpus", v],
                         "kernel": ["--kernel", "6.12" if v == "612" else v],
                         "discard": ["--discard"] if v == "1" else [],
                         "sync": ["--sync-io"] if v == "1" else []}[k]
    return opts


@pytest.mark.parametrize("wl", sorted(p.name for p in (FIXTURES / "good").glob("*.wl")))
def test_good_workloads_run_with_invariant_checks(wl, tmp_path):
    """Each fixture checks itself (its expect lines); --check checks the model."""
    db, path = tmp_path / "s.db", FIXTURES / "good" / wl
    run("sim", "-w", path, "--check", *sim_options(path), "-o", db, check=0)
    p = run("check", "-J", "--only", "count-mismatch,list-mismatch,misaligned,orphan-cache",
            db, check=0)
    assert json.loads(p.stdout)["findings"] == []


def test_kernel_612_is_era_c(tmp_path):
    db = tmp_path / "s.db"
    run("sim", "--builtin", "random:orders=0+4,fill=60,ops=5000", "--kernel", "6.12",
        "--slots", 16384, "-o", db, check=0)
    st = stat(db)
    assert st["source"]["kernel"] == "6.12" and st["source"]["era"] == "C"


@pytest.mark.parametrize("args,message", [
    (["--builtin", "random", "-w", "x"], "give one workload"),
    (["--builtin", "random"], "no output file"),
    (["--builtin", "random", "-o", "X", "--kernel", "5.4"], "not newest or 6.12"),
    (["--builtin", "random", "-o", "X", "--size", "12Q"], "not a size"),
    (["--builtin", "random", "-o", "X", "--cpus", "0"], "out of range"),
    (["--builtin", "random", "-o", "X", "--size", "1G", "--slots", "9"], "mutually exclusive"),
])
def test_usage_errors(args, message, tmp_path):
    p = run("sim", *[a.replace("X", str(tmp_path / "o.db")) for a in args], check=2)
    assert message in p.stderr
    assert not (tmp_path / "o.db").exists()


def test_bad_workloads_are_named(tmp_path):
    out = tmp_path / "o.db"
    p = run("sim", "--builtin", "random:fill=120", "-o", out, check=3)
    assert "[wl-spec-fill]" in p.stderr
    bad = tmp_path / "bad.wl"
    bad.write_text("swapout 4 1 tag=a\nfree b\n")
    p = run("sim", "-w", bad, "-o", out, check=3)
    assert p.stderr.startswith(f"swapfs: {bad}:2:") and "[wl-unknown-tag]" in p.stderr
    assert not out.exists()
    # an existing output is kept unless --force
    run("sim", "--builtin", "random:ops=10", "--slots", 4096, "-o", out, check=0)
    before = out.read_bytes()
    p = run("sim", "--builtin", "random:ops=10", "--slots", 4096, "-o", out, check=3)
    assert "exists" in p.stderr and out.read_bytes() == before
    run("sim", "--builtin", "random:ops=10", "--slots", 4096, "-o", out, "--force", check=0)


def test_progress_line_only_on_a_terminal(tmp_path):
    import os
    import pty
    import subprocess
    from conftest import SWAPFS
    db = tmp_path / "p.db"
    argv = [SWAPFS, "sim", "--builtin", "random:orders=0,fill=50,ops=3000000",
            "--slots", 65536, "-o", db]
    master, slave = pty.openpty()
    p = subprocess.run(list(map(str, argv)), stderr=slave, stdout=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert p.returncode == 0
    assert b"\rswapfs: sim: " in seen and seen.endswith(b"\n")
    # not on a pipe
    q = run("sim", "--builtin", "random:orders=0,fill=50,ops=3000000", "--slots", 65536,
            "-o", db, "--force", check=0)
    assert q.stderr == ""
