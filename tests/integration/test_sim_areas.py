"""Several swap areas: the simulator's choice of the area held against the kernel.

Two zram devices of our own (64 MiB each) are swapped on, with equal
priority and then with priorities 10 and 5; the 64K mTHP size alone is
`always` (every other size `never`, zswap off). The allocator stress
workload (the kernel selftest's pattern, swapfs-workload(5) "selftest")
runs on the real kernel, pinned to CPU 0, through swapfs-kernel-replay
--hold: after its last round the memory stays swapped out while each area
is read with `swapfs stat --json live:/dev/zramN`. Then `swapfs sim` runs
the same workload (the same picks) on two --area of the same sizes and
priorities; per area, its used slots must be within 2% of the kernel's.

Everything (THP sizes, zswap, the zram devices) is put back. Root, zram,
the mTHP counters and a swapfs with the BPF reader are needed, else the
kernel test skips. This module holds the kernel-swap lock (conftest).

The simulator alone (no kernel needed):
- the file layout: one snapshot per area each time, in try order (highest
  priority first, then by type), each with area, areas, type, prio, path
  and the group's step; areas of different sizes in one file;
- the kernel's choice of the area, with numbers derived from
  mm/swapfile.c: the newest tree keeps a CPU on the area of its cluster
  (513 + 511 order-0 slots over two equal areas), v6.12 alternates every
  allocation (512 + 512); a large folio tries only the first area
  (fallback counted there) even when the next has room;
- a selftest run with fork, swap-in and small pages over two areas keeps
  every invariant (--check);
- one --area runs as the plain options do;
- what is refused, and how it is said.
"""
import json
import os
import subprocess

import pytest

import kernelhost
from conftest import SWAPFS, run

BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SWAPFS))))
REPLAY = os.path.join(BUILD, "tools", "kernel-replay", "swapfs-kernel-replay")
AREA_BYTES = 64 << 20
# mem1 of 64K folios larger than one area, so both fill; rounds kept short
PARAMS = ["area=96M", "rounds=12", "seed=7"]
TOLERANCE = 0.02

WHY_NOT = kernelhost.why_not(live=True)
if WHY_NOT is None and not os.access(REPLAY, os.X_OK):
    WHY_NOT = f"no swapfs-kernel-replay at {REPLAY}"
kernel_only = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


def used_slots(src):
    p = run("stat", "--json", src)
    assert p.returncode == 0, p.stderr
    return int(json.loads(p.stdout)["info"]["inuse_pages"])


def kernel_used(prios):
    """The workload on the real kernel, one zram device per priority in
    swapon order; the used slots of each, read while the run holds them."""
    kr = kernelhost.driver()
    with kernelhost.own_host(": they would take part") as h:
        kernelhost.only_mthp(h, 64)
        devs = [kr.zram_up(h, AREA_BYTES, None, prio)[0] for prio in prios]
        proc = subprocess.Popen([REPLAY, "-q", "--hold", "cpu=0", *PARAMS],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            assert line == "held\n", line + proc.stderr.read()
            used = [used_slots(f"live:/dev/{d}") for d in devs]
        finally:
            proc.stdin.close()
            proc.wait(timeout=60)
        assert proc.returncode == 0, proc.stderr.read()
    return used


def sim_used(prios, tmp_path):
    """The same workload on the simulator, one --area per priority; the
    used slots of each area by swap type (the order of --area)."""
    out = tmp_path / "areas.snap"
    spec = "selftest:" + ",".join(PARAMS)
    areas = []
    for prio in prios:
        areas += ["--area", f"size={AREA_BYTES},prio={prio}"]
    p = run("sim", "--builtin", spec, "--sync-io", *areas, "-o", str(out))
    assert p.returncode == 0, p.stderr
    used = [None] * len(prios)
    for i in range(len(prios)):
        info, _, _ = snap_info(out, i + 1)
        assert (info["area"], info["areas"]) == (str(i), str(len(prios)))
        used[int(info["type"])] = int(info["inuse_pages"])
    return used


@kernel_only
@pytest.mark.parametrize("prios", [(5, 5), (10, 5)], ids=["equal", "10-5"])
def test_used_slots_per_area(prios, tmp_path):
    kernel = kernel_used(prios)
    sim = sim_used(prios, tmp_path)
    print(f"prios {prios}: kernel {kernel}, sim {sim}")
    # the workload does not fit one area: both must be in use
    assert all(kernel) and all(sim), (kernel, sim)
    for k, s in zip(kernel, sim):
        assert abs(s - k) <= TOLERANCE * k, (prios, kernel, sim)


# --------------------------------------------------------------------------
# the simulator alone
# --------------------------------------------------------------------------

def sim_run(tmp_path, script, *opts, name="run.snap"):
    wl = tmp_path / "run.wl"
    wl.write_text(script)
    out = tmp_path / name
    p = run("sim", "-w", wl, "-o", out, "-f", "--check", *opts)
    assert p.returncode == 0, p.stderr
    return out


def snap_info(path, i):
    p = run("stat", "--json", f"{path}@{i}")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    # FILE@i names the group snapshot i is in: {"areas": [...]}
    d = next(a for a in d.get("areas", [d]) if a["source"]["snapshot"] == i)
    return d["info"], d["source"], d


def group_used(path, first, n):
    """inuse_pages by type of the @n snapshots from @first."""
    used = [None] * n
    for i in range(first, first + n):
        info, _, _ = snap_info(path, i)
        used[int(info["type"])] = int(info["inuse_pages"])
    return used


def test_layout_try_order_and_keys(tmp_path):
    out = sim_run(tmp_path, "swapout 0 600 tag=a\nfree a\nswapout 0 300 tag=b\n",
                  "--area", "slots=1024", "--area", "size=8M,prio=3",
                  "--every", "400")
    rows = []
    i = 1
    while True:
        p = run("stat", "--json", f"{out}@{i}")
        if p.returncode:
            break
        _, _, d = snap_info(out, i)
        rows.append((d["info"], d["source"]["step"]))
        i += 1
    assert len(rows) >= 4 and len(rows) % 2 == 0, rows
    for k in range(0, len(rows), 2):
        (a, sa), (b, sb) = rows[k], rows[k + 1]
        assert sa == sb
        # prio 3 is tried first: type 1 is area 0 of each group
        assert (a["area"], a["areas"], a["type"], a["prio"], a["path"]) == \
            ("0", "2", "1", "3", "sim:area1")
        assert (b["area"], b["areas"], b["type"], b["prio"], b["path"]) == \
            ("1", "2", "0", "-1", "sim:area0")
        assert (a["max"], b["max"]) == ("2048", "1024")
    steps = [rows[k][1] for k in range(0, len(rows), 2)]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)


@pytest.mark.parametrize("kernel,used", [("newest", [513, 511]), ("6.12", [512, 512])])
def test_equal_priorities(tmp_path, kernel, used):
    # newest: the CPU stays on the area of its cluster (swap_alloc_fast());
    # when area 0's first cluster (511 slots beside the header) is used up,
    # swap_alloc_slow() finds area 1 at the head (area 0 was requeued),
    # then area 0 again. v6.12: get_swap_pages() requeues every time.
    out = sim_run(tmp_path, "swapout 0 1024 tag=a\n", "--kernel", kernel,
                  "--area", "size=4M", "--area", "size=4M")
    assert group_used(out, 1, 2) == used
    # default priorities: DEF_SWAP_PRIO (newest), --least_priority (v6.12)
    prios = [snap_info(out, i)[0]["prio"] for i in (1, 2)]
    assert prios == (["-1", "-1"] if kernel == "newest" else ["-2", "-3"])


@pytest.mark.parametrize("kernel", ["newest", "6.12"])
def test_large_folio_tries_the_first_area_only(tmp_path, kernel):
    # area 0 (prio 10) is one cluster with the header: no order-4 room; a
    # 64K folio fails there and is split, though area 1 is empty
    out = sim_run(tmp_path, "swapout 4 1 tag=a\nexpect swpout_fallback 4 1\n",
                  "--kernel", kernel, "--area", "slots=512,prio=10",
                  "--area", "size=4M,prio=5")
    assert group_used(out, 1, 2) == [16, 0]
    _, _, d = snap_info(out, 1)
    fb = {c["order"]: c["swpout_fallback"] for c in d["counters"]}
    assert fb[4] == 1
    _, _, d = snap_info(out, 2)
    assert all(c["swpout_fallback"] == 0 for c in d["counters"])


@pytest.mark.parametrize("kernel,used", [("newest", [0, 10]), ("6.12", [10, 0])])
def test_full_area_leaves_and_frees_go_home(tmp_path, kernel, used):
    # order 0 spills into area 1 once area 0 is full (off the avail list);
    # the frees find each slot in its own area (inuse 0). Then newest's
    # swap_alloc_fast() stays on the CPU's cluster, in area 1, whatever the
    # priorities; v6.12 walks the avail list from area 0 (prio 7) again.
    out = sim_run(tmp_path, "swapout 0 1500 tag=a\nexpect inuse 1500\n"
                  "free a\nexpect inuse 0\nswapout 0 10 tag=b\n",
                  "--kernel", kernel, "--area", "slots=1024,prio=7",
                  "--area", "size=8M")
    assert group_used(out, 1, 2) == used


@pytest.mark.parametrize("spec", ["area=12M,rounds=4,version=2,small=1",
                                  "area=12M,rounds=4,fork=2,part_picks=4"],
                         ids=["swapin", "fork"])
def test_selftest_over_two_areas_keeps_invariants(tmp_path, spec):
    out = tmp_path / "st.snap"
    p = run("sim", "--builtin", "selftest:" + spec, "--sync-io", "--check",
            "--area", "size=4M", "--area", "size=6M,prio=1", "-o", out)
    assert p.returncode == 0, p.stderr
    used = group_used(out, 1, 2)
    assert all(used), used


def test_one_area_is_the_plain_run(tmp_path):
    spec = "selftest:area=20M,rounds=5"
    a, b = tmp_path / "a.snap", tmp_path / "b.snap"
    assert run("sim", "--builtin", spec, "--size", "24M", "-o", a).returncode == 0
    assert run("sim", "--builtin", spec, "--area", "size=24M", "-o", b).returncode == 0
    da, db = (json.loads(run("stat", "--json", x).stdout) for x in (a, b))
    for k in ("orders", "clusters", "counters"):
        if k in da:
            assert da[k] == db[k], k
    assert da["info"]["inuse_pages"] == db["info"]["inuse_pages"]
    assert (db["info"]["area"], db["info"]["areas"]) == ("0", "1")


@pytest.mark.parametrize("args,words", [
    (["--area", "size=4M", "--size", "4M"], "--size and --area are mutually exclusive"),
    (["--area", "size=4M", "--rotational"], "--rotational and --area"),
    (["--area", "size=4M,colour=1"], "keys are size, slots, prio"),
    (["--area", "size=4M,prio=40000"], "--area prio="),
    (["--area", "size=4M,slots=99"], "mutually exclusive"),
    (["--area", "rotational=2"], "not 0 or 1"),
    (["--area", "size"], "not key=value"),
])
def test_refused(tmp_path, args, words):
    p = run("sim", "--builtin", "selftest:rounds=1", *args, "-o", tmp_path / "x.snap")
    assert p.returncode == 2, p.stderr
    assert words in p.stderr, p.stderr
    assert not (tmp_path / "x.snap").exists()


def test_random_refuses_several_areas(tmp_path):
    p = run("sim", "--builtin", "random:ops=10", "--area", "size=4M",
            "--area", "size=4M", "-o", tmp_path / "x.snap")
    assert p.returncode != 0
    assert "wl-areas" in p.stderr, p.stderr
