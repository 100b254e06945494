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

from conftest import SWAPFS, is_root, run
from diffcheck import assert_diff, export

HERE = os.path.dirname(os.path.abspath(__file__))


def _why_not_live():
    if not is_root:
        return "needs root (zram, swapon, THP sysfs, BPF)"
    if not os.path.exists("/sys/class/zram-control/hot_add"):
        return "zram not available (no /sys/class/zram-control)"
    p = run("stat", "live:")
    if "live-not-built" in p.stderr:
        return "this swapfs has no BPF reader"
    if "live-area" not in p.stderr and p.returncode != 0:
        return "the BPF reader does not work here: " + p.stderr.strip()
    return None


def _kernel_replay():
    import importlib.machinery
    import importlib.util
    path = os.path.join(HERE, "..", "..", "tools", "kernel-replay", "kernel-replay")
    loader = importlib.machinery.SourceFileLoader("kernel_replay", path)
    mod = importlib.util.module_from_spec(importlib.util.spec_from_loader("kernel_replay",
                                                                         loader))
    loader.exec_module(mod)
    return mod


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


@pytest.mark.skipif(_why_not_live() is not None, reason=_why_not_live() or "")
def test_live_reads_around_a_workload(tmp_path):
    kr = _kernel_replay()
    lock = kr.take_lock()
    host = kr.Host()
    procs = []
    try:
        if kr.proc_swaps():
            pytest.skip(f"other swap areas are active ({kr.proc_swaps()[0][0]})")
        thp = "/sys/kernel/mm/transparent_hugepage"
        for name in sorted(os.listdir(thp)):
            path = os.path.join(thp, name, "enabled")
            if name.startswith("hugepages-") and os.path.exists(path):
                host.set_sysfs(path, "always" if name == "hugepages-64kB" else "never",
                               kr.choice(path))
        if os.path.exists(kr.ZSWAP_ENABLED):
            host.set_sysfs(kr.ZSWAP_ENABLED, "N", kr.read(kr.ZSWAP_ENABLED))
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
        host.restore()
        os.close(lock)
    assert not host.errors, host.errors
