"""What the test modules that swap on the real kernel share.

They run as root on a zram device of their own, with every
hugepages-*/enabled set by the test and zswap off, and put everything
back: the undo list, the zram set-up and the older lock are those of the
kernel-replay driver (tools/kernel-replay/kernel-replay), loaded here
once. The tests' own lock (/run/swapfs-tests.kernel-swap.lock) is taken
by conftest.py for the modules in KERNEL_SWAP_MODULES.
"""
import contextlib
import importlib.machinery
import importlib.util
import os

import pytest

from conftest import is_root, run

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "..", "..", "tools", "kernel-replay", "kernel-replay")
THP = "/sys/kernel/mm/transparent_hugepage"

_driver = None


def why_not(live=False, mthp=True):
    """Why these tests cannot run here (a skip reason), or None.
    @live: the BPF reader is needed; @mthp: the kernel's mTHP counters."""
    if not is_root:
        return "needs root (zram, swapon, THP sysfs%s)" % (", BPF" if live else "")
    if not os.path.exists("/sys/class/zram-control/hot_add"):
        return "zram not available (no /sys/class/zram-control)"
    if mthp and not os.path.exists(os.path.join(THP, "hugepages-64kB", "stats", "swpout")):
        return "kernel has no mTHP swap counters"
    if live:
        p = run("stat", "live:")
        if "live-not-built" in p.stderr:
            return "this swapfs has no BPF reader (built without clang/bpftool/libbpf)"
        if "live-area" not in p.stderr and p.returncode != 0:
            return "the BPF reader does not work here: " + p.stderr.strip()
    return None


def driver():
    """The kernel-replay driver, as a module (loaded once)."""
    global _driver
    if _driver is None:
        loader = importlib.machinery.SourceFileLoader("kernel_replay", DRIVER)
        spec = importlib.util.spec_from_loader("kernel_replay", loader)
        _driver = importlib.util.module_from_spec(spec)
        loader.exec_module(_driver)
    return _driver


@contextlib.contextmanager
def own_host(why=""):
    """The driver's Host (what is changed is put back on leaving) under its
    lock, alone: skips while another swap area is active (@why says what
    it would spoil). The restore must leave no error."""
    kr = driver()
    lock = kr.take_lock()
    h = kr.Host()
    try:
        other = kr.proc_swaps()
        if other:
            pytest.skip(f"other swap areas are active ({other[0][0]}){why}")
        yield h
    finally:
        h.restore()
        os.close(lock)
    assert not h.errors, h.errors


def only_mthp(h, kb=None):
    """hugepages-@kb kB to always and every other size to never (@kb None:
    all never), zswap off; each put back by @h."""
    kr = driver()
    for name in sorted(os.listdir(THP)):
        path = os.path.join(THP, name, "enabled")
        if name.startswith("hugepages-") and os.path.exists(path):
            h.set_sysfs(path, "always" if name == f"hugepages-{kb}kB" else "never",
                        kr.choice(path))
    if os.path.exists(kr.ZSWAP_ENABLED):
        h.set_sysfs(kr.ZSWAP_ENABLED, "N", kr.read(kr.ZSWAP_ENABLED))
