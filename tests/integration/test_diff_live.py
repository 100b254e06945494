"""swapfs diff over the running kernel: two live: reads of a zram area of
our own around a real workload (64K folios and zero pages swapped out, a
process gone), against the recomputation from the dumps exported around
each read (diffcheck.py). Root, zram and the BPF reader; the machine's
swap state is held by the lock in conftest.py and put back.
"""
import json
import os
import shutil
import subprocess
import time

import pytest

import kernelhost
from conftest import SWAPFS, run
from diffcheck import assert_diff, export



def layout(blocks, zero=0):
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SWAPFS))))
    exe = os.environ.get("SWAPFS_TEST_LAYOUT") or os.path.join(build, "tests",
                                                               "swapfs-test-layout")
    proc = subprocess.Popen([exe, "64", str(blocks), str(zero), "0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    json.loads(proc.stdout.readline())
    return proc


def files_of(d):
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def quiet(node, tmp_path, name):
    """Export live:NODE twice until two reads agree: the area stands still."""
    prev = None
    for i in range(40):
        out = export(f"live:{node}", tmp_path / f"{name}-{i}")
        if prev is not None and files_of(prev) == files_of(out):
            return out
        prev = out
        time.sleep(0.1)
    raise AssertionError("the area never stood still for a read")


@pytest.mark.skipif(kernelhost.why_not(live=True) is not None,
                    reason=kernelhost.why_not(live=True) or "")
def test_live_reads_around_a_workload(tmp_path):
    kr = kernelhost.driver()
    procs = []
    with kernelhost.own_host() as host:
        kernelhost.only_mthp(host, 64)
        try:
            dev, _ = kr.zram_up(host, "64M", None)
            node = f"/dev/{dev}"
            procs.append(layout(48))
            a = quiet(node, tmp_path, "a")
            # the workload: more 64K folios and zero pages out, the first process gone
            procs.append(layout(24, zero=32))
            procs[0].stdin.close()
            procs[0].wait(timeout=30)
            for _ in range(40):         # the live read of B, and exports around it
                b0 = quiet(node, tmp_path, "b")
                p = run("diff", "--json", a, f"live:{node}")
                b1 = export(f"live:{node}", tmp_path / "b-after")
                if files_of(b0) == files_of(b1):
                    break
                shutil.rmtree(b1)
            else:
                raise AssertionError("the area moved under every read")
            assert p.returncode == 1, p.stderr
            d = json.loads(p.stdout)
            assert d["b"]["source"] == f"live:{node}"
            want = assert_diff(d, a, b0)
            print("live diff:", d["summary"], "runs:", sum(len(c[3]) for c in want.values()))
            kinds = {(r[2], r[3]) for c in want.values() for r in c[3]}
            assert ("used", "free") in kinds and ("free", "used") in kinds
        finally:
            for proc in procs:
                if proc.stdin and not proc.stdin.closed:
                    proc.stdin.close()
                proc.wait(timeout=30)
