"""swapfs mount live:DEV: the tree reads the running kernel again when a
file is opened, at most every refresh= ms (default 1000), and says in
source when it last read.

As root, on a zram device of our own (test_live.py's host: THP sizes,
zswap and the device put back afterwards, its lock held for the run),
three mounts of the same area watch tests/kernel/layout.c swap out its
64K folios: refresh=0 reads at every open and sees the workload;
refresh=600000 keeps its first read; the default sees it once a second has
passed. Every test skips (77) without root, zram or the BPF reader.
"""
import json
import re
import subprocess
import time
from datetime import datetime, timezone

import pytest

from conftest import FUSERMOUNT, Mount, run
from test_live import BLOCKS, LAYOUT, PAGE, READBACK, WHY_NOT, ZERO_PAGES, \
    enable_only, host, kr, used_kib  # noqa: F401 (host: a fixture)

pytestmark = pytest.mark.skipif(WHY_NOT is not None or not FUSERMOUNT,
                                reason=WHY_NOT or "needs fusermount3")


def source(m):
    text = m.read("source")
    when = re.search(r"^read: (\S+)Z$", text, re.M).group(1)
    return (datetime.fromisoformat(when).replace(tzinfo=timezone.utc),
            int(re.search(r"^reads: (\d+)$", text, re.M).group(1)),
            int(re.search(r"^refresh: (\d+)$", text, re.M).group(1)))


def quiet_used(m, node):
    """slots_used read at an open while /proc/swaps' Used stood still."""
    for _ in range(20):
        before = used_kib(node)
        used = int(m.read("stats/slots_used"))
        if used_kib(node) == before:
            return used, before
        time.sleep(0.2)
    raise AssertionError("the area never stood still for a read")


def test_live_mount_rereads_at_open(host, tmp_path):
    enable_only(host, 64)
    dev, _ = kr.zram_up(host, "64M", None)
    node = f"/dev/{dev}"
    p = run("mount", "-o", "refresh=10", tmp_path / "x.db", tmp_path)
    assert p.returncode == 2 and "refresh=" in p.stderr
    with Mount(f"live:{node}", tmp_path / "every", "-o", "refresh=0") as every, \
         Mount(f"live:{node}", tmp_path / "never", "-o", "refresh=600000") as never, \
         Mount(f"live:{node}", tmp_path / "default") as dflt:
        t0 = datetime.now(timezone.utc)
        assert source(dflt)[2] == 1000 and source(never)[2] == 600000
        assert int(every.read("stats/slots_used")) == 0
        start_never = source(never)
        start_dflt = source(dflt)
        assert int(dflt.read("stats/slots_used")) == 0
        proc = subprocess.Popen([LAYOUT, "64", str(BLOCKS), str(ZERO_PAGES), str(READBACK)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            json.loads(proc.stdout.readline())      # swapped out, holding still
            # refresh=0: each open reads, and sees what the kernel says
            reads = source(every)[1]
            used, kib = quiet_used(every, node)
            assert used > 0 and used * PAGE // 1024 == kib, (used, kib)
            when, reads2, _ = source(every)
            assert reads2 >= reads + 2 and when >= t0
            # refresh=600000: the first read, however often opened
            for _ in range(3):
                assert int(never.read("stats/slots_used")) == 0
            assert source(never) == start_never
            # the default: a second after its last read, an open reads again
            time.sleep(max(0.0, 1.05 - (datetime.now(timezone.utc) -
                                        start_dflt[0]).total_seconds()))
            assert int(dflt.read("stats/slots_used")) > 0
            when, reads3, _ = source(dflt)
            assert reads3 == start_dflt[1] + 1 and when > start_dflt[0]
            # and not again within the second (that read was just now)
            assert source(dflt)[1] == reads3
        finally:
            proc.stdin.close()
            proc.wait(timeout=30)
