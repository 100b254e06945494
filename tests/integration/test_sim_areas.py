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
the mTHP counters and a swapfs with the BPF reader are needed, else every
test skips (77). This module holds the kernel-swap lock (conftest).
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
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")


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
        p = run("stat", "--json", f"{out}@{i + 1}")
        assert p.returncode == 0, p.stderr
        info = json.loads(p.stdout)["info"]
        assert (info["area"], info["areas"]) == (str(i), str(len(prios)))
        used[int(info["type"])] = int(info["inuse_pages"])
    return used


@pytest.mark.parametrize("prios", [(5, 5), (10, 5)], ids=["equal", "10-5"])
def test_used_slots_per_area(prios, tmp_path):
    kernel = kernel_used(prios)
    sim = sim_used(prios, tmp_path)
    print(f"prios {prios}: kernel {kernel}, sim {sim}")
    # the workload does not fit one area: both must be in use
    assert all(kernel) and all(sim), (kernel, sim)
    for k, s in zip(kernel, sim):
        assert abs(s - k) <= TOLERANCE * k, (prios, kernel, sim)
