"""live: the running kernel's swap state read exactly, through BPF.

A zram device of our own is swapped on at the highest priority, the 64K
mTHP size alone is set to `always` (every other size `never`, zswap off),
and tests/kernel/layout.c runs its workload: two regions of 64K folios
paged out (MADV_PAGEOUT), two folios and two pages of each freed, a fork
(the shared region has count 2), the last folios of the shared region
read back (they stay in the swap cache for the child), and a region of
zero-filled small pages paged out (the kernel's zeromap). Then, for the
live snapshot (exported as a dump, as swapfs-dump(5) says):

- used slots = /proc/swaps Used = inuse_pages;
- every cluster's count is its recount;
- the order-4 blocks in use = the hugepages-64kB swpout delta, less the
  folios freed whole;
- the cached slots are exactly the swap table's folio entries, and the
  read-back folios are among them;
- the zero slots are exactly the zero region's slots (pagemap);
- every slot `swapfs capture --method pagemap` attributes has a count >=
  its references; `swapfs capture` (BPF) stores exactly the live state,
  with the same references on top;
- `check live:` reports no error; two reads give byte-identical dumps,
  which check and import accept;
- no output (stat, its prometheus format, check -v and --json, capture
  and its snapshot, the dumps, the mount) holds a value that looks like a
  kernel pointer;
- without privilege (nobody; root without CAP_SYS_ADMIN, CAP_BPF and
  CAP_PERFMON; CAP_BPF and CAP_PERFMON where kallsyms hides its addresses),
  and for live:/nonexistent, in every command, the error is clear and the
  exit status 3; nobody with CAP_BPF, CAP_PERFMON and CAP_SYSLOG reads.

Everything (THP sizes, zswap, the zram device) is put back. Root, zram and
a swapfs built with the BPF reader are needed, else every test skips (77).
"""
import json
import os
import re
import shutil
import subprocess
import time

import pytest

import kernelhost
from conftest import FUSERMOUNT, SWAPFS, Mount, run

BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SWAPFS))))
LAYOUT = os.environ.get("SWAPFS_TEST_LAYOUT") or os.path.join(
    BUILD, "tests", "swapfs-test-layout")
THP = kernelhost.THP
PAGE = os.sysconf("SC_PAGESIZE")
BLOCKS = 64
ZERO_PAGES = 40
READBACK = 4
# a kernel address: 0xffff... or sixteen hex digits starting ffff, long
# hex, or one written in decimal (>= 0xffff800000000000 is 1844660...)
POINTER = re.compile(rb"(?i)(0x)?ffff[0-9a-f]{12}|0x[0-9a-f]{13,}|\b18446[0-9]{15}\b")

WHY_NOT = kernelhost.why_not(live=True)
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")
kr = kernelhost.driver() if WHY_NOT is None else None


@pytest.fixture
def host():
    """THP sizes, zswap and a zram device of our own; put back afterwards."""
    with kernelhost.own_host() as h:
        yield h


enable_only = kernelhost.only_mthp


def swpout():
    return int(open(os.path.join(THP, "hugepages-64kB", "stats", "swpout")).read())


def used_kib(node):
    for f in kr.proc_swaps():
        if f[0] == node:
            return int(f[3])
    raise AssertionError(f"{node} not in /proc/swaps")


def pagemap_slots(pid, addr, npages):
    """(type, offset) or None per page, read from /proc/PID/pagemap."""
    out = []
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        f.seek(addr // PAGE * 8)
        data = f.read(npages * 8)
    for i in range(npages):
        e = int.from_bytes(data[i * 8:i * 8 + 8], "little")
        out.append((e & 31, (e >> 5) & ((1 << 50) - 1)) if (e >> 62) & 3 == 1 else None)
    return out


class Dump:
    """An exported dump directory, decoded (era E: swap_map and cache)."""

    def __init__(self, path):
        self.path = path
        self.info = dict(l.split(": ", 1) for l in
                         open(os.path.join(path, "info")).read().splitlines())
        self.map = open(os.path.join(path, "swap_map"), "rb").read()
        self.clusters = [tuple(int(x) if x.isdigit() else x for x in l.split())
                         for l in open(os.path.join(path, "clusters")).read().splitlines()]
        cpath = os.path.join(path, "cache")
        self.cache = [l.split() for l in open(cpath).read().splitlines()] \
            if os.path.exists(cpath) else []
        zpath = os.path.join(path, "zeromap")
        z = open(zpath, "rb").read() if os.path.exists(zpath) else b""
        self.zero = {i * 8 + b for i, byte in enumerate(z) for b in range(8) if byte >> b & 1}
        self.cs = int(self.info["cluster_size"])

    def count(self, slot):
        b = self.map[slot] & ~0x40            # SWAP_HAS_CACHE
        if b == 0xbf:
            return 1                          # SWAP_MAP_SHMEM
        if b & 0x80:
            raise AssertionError(f"slot {slot}: a continued count in a test workload")
        return 0 if b == 0x3f else b          # SWAP_MAP_BAD

    def used(self):
        return sum(1 for b in self.map if b and (b & ~0x40) != 0x3f)

    def cached(self):
        return {i for i, b in enumerate(self.map) if b & 0x40}


def no_errors(src):
    """check SRC finds no error (warnings, such as partial blocks, are real)."""
    p = run("check", "--json", src)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)["summary"]["errors"] == 0


def files_of(d):
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def export_quiet(node, tmp_path, name, tries=20):
    """Export live:NODE while /proc/swaps' Used stays put around it."""
    for i in range(tries):
        out = tmp_path / f"{name}-{i}"
        while out.exists():
            i += 100
            out = tmp_path / f"{name}-{i}"
        before = used_kib(node)
        run("export", f"live:{node}", "-o", out, check=0)
        if used_kib(node) == before and int(Dump(out).info["inuse_pages"]) * PAGE // 1024 == before:
            return out
        time.sleep(0.2)
    raise AssertionError("the area never stood still for a read")


STATE_FILES = ("swap_map", "clusters", "cache", "zeromap", "zswap", "continued", "next")


def capture_quiet(node, tmp_path, live, tries=20):
    """A default capture exported whose state files are the live dump's."""
    want = {n: v for n, v in files_of(live.path).items() if n in STATE_FILES}
    for i in range(tries):
        snap, out = tmp_path / f"bpf{i}.db", tmp_path / f"bpf{i}"
        p = run("capture", "-o", snap, "--device", node, check=0)
        assert "read exactly through BPF" in p.stderr, p.stderr
        run("export", snap, "-o", out, check=0)
        got = {n: v for n, v in files_of(out).items() if n in STATE_FILES}
        if got == want:
            return out
        time.sleep(0.2)
    raise AssertionError("capture never read the state export live: read")


@pytest.fixture
def workload(host, tmp_path):
    """The layout process, running on our zram area: (layout, node, swpout delta)."""
    enable_only(host, 64)
    dev, _ = kr.zram_up(host, "64M", None)
    node = f"/dev/{dev}"
    before = swpout()
    proc = subprocess.Popen([LAYOUT, "64", str(BLOCKS), str(ZERO_PAGES), str(READBACK)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        lay = json.loads(proc.stdout.readline())
        yield lay, node, swpout() - before
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_live_exact(workload, tmp_path):
    lay, node, out = workload
    folio = lay["folio"] // PAGE
    npages = lay["blocks"] * folio
    truth = {r: pagemap_slots(lay["pid"], lay[r], npages) for r in ("shared", "private")}
    child = pagemap_slots(lay["child"], lay["shared"], npages)
    zero = pagemap_slots(lay["pid"], lay["zero"], lay["zero_pages"])
    d = Dump(export_quiet(node, tmp_path, "live"))
    info = d.info
    assert info["era"] in "EFG" and info["live_method"] in ("kallsyms", "fentry", "decode")
    assert info["path"] == node and info["live_moving"] == "0"

    # used slots = /proc/swaps Used = inuse_pages
    assert d.used() == int(info["inuse_pages"]) == used_kib(node) * 1024 // PAGE
    assert info["live_inuse_before"] == info["live_inuse_after"] == info["inuse_pages"]

    # every cluster's count is its recount (the tail past max counts)
    mx = int(info["max"])
    for ci, count, flags, order in d.clusters:
        first, end = ci * d.cs, min((ci + 1) * d.cs, mx)
        recount = sum(1 for b in d.map[first:end] if b) + (ci + 1) * d.cs - end
        assert count == recount, (ci, count, recount)
        assert (flags == "free") == (count == 0), (ci, flags, count)

    # order-4 blocks in use = 64K folios swapped out, less those freed whole
    order4 = {ci for ci, _, _, order in d.clusters if order == 4}
    blocks = {s // folio for s in range(mx) if s // d.cs in order4 and d.map[s]}
    assert len(blocks) == out - 2 * len(lay["free_folios"]), (len(blocks), out)

    # cached slots are exactly the table's folio entries, and whole folios
    cached = d.cached()
    assert len(cached) == int(info["live_table_folio"])
    covered = set()
    for off, order, *_ in d.cache:
        covered |= set(range(int(off), int(off) + (1 << int(order))))
    assert covered == cached
    readback = {e[1] for e in child[(lay["blocks"] - lay["readback"]) * folio:] if e}
    assert readback and readback <= cached
    assert all(d.count(s) == 1 for s in readback)    # the child's reference only

    # the zero pages are exactly the zeromap bits
    zslots = {e[1] for e in zero if e}
    assert len(zslots) == lay["zero_pages"]
    assert d.zero == zslots

    # counts: 2 where shared, 1 where private, as pagemap says
    for region, count in (("shared", 2), ("private", 1)):
        for i, e in enumerate(truth[region]):
            if e is not None:
                assert d.count(e[1]) == count, (region, i, e)

    # every slot the page-table capture attributes has its references
    snap = tmp_path / "cap.db"
    run("capture", "--method", "pagemap", "-o", snap, "--device", node, check=0)
    run("export", snap, "-o", tmp_path / "cap", check=0)
    cap = Dump(tmp_path / "cap")
    for s, b in enumerate(cap.map):
        if b and b != 0x3f:
            assert d.count(s) >= cap.count(s), (s, d.map[s], b)

    # capture by default takes this very state (BPF), the owners on top
    bpf = Dump(capture_quiet(node, tmp_path, d))
    assert bpf.info["capture_method"] == "bpf"
    assert int(bpf.info["capture_refs"]) == sum(
        cap.count(s) for s, b in enumerate(cap.map) if b and b != 0x3f)

    assert no_errors(f"live:{node}")


def test_live_repeatable(workload, tmp_path):
    lay, node, _ = workload
    a = export_quiet(node, tmp_path, "a")
    for _ in range(20):
        b = export_quiet(node, tmp_path, "b")
        if files_of(a) == files_of(b):
            break
        a = b
    else:
        raise AssertionError("two reads of a quiet area differ")
    assert no_errors(a)
    run("import", a, "-o", tmp_path / "a.db", check=0)
    assert no_errors(tmp_path / "a.db")
    # live: imports straight into a snapshot file too
    run("import", f"live:{node}", "-o", tmp_path / "live.db", check=0)
    st = json.loads(run("stat", "--json", tmp_path / "live.db", check=0).stdout)
    assert st["source"]["kind"] == "capture" and st["info"]["live_method"]


def grep_pointers(name, data):
    m = POINTER.search(data)
    assert not m, f"{name}: {m.group(0)!r} looks like a kernel address"


def test_live_leaks_no_address(workload, tmp_path):
    lay, node, _ = workload
    src = f"live:{node}"
    snap = tmp_path / "leak.db"
    for args in (["stat", src], ["stat", "--json", src], ["check", src],
                 ["check", "--json", src], ["check", "-v", src],
                 ["stat", "--format", "prometheus", src],
                 ["capture", "-o", snap, "--device", node],
                 ["stat", "--json", snap], ["check", "-v", "--json", snap]):
        p = run(*args)
        assert p.returncode in (0, 1), (args, p.stderr)
        grep_pointers(" ".join(map(str, args)), (p.stdout + p.stderr).encode())
    run("export", snap, "-o", tmp_path / "leak-cap", check=0)
    for d in (export_quiet(node, tmp_path, "leak"), tmp_path / "leak-cap"):
        for name, data in files_of(d).items():
            if name in ("swap_map", "zeromap", "zswap"):
                continue        # one byte (bit) a slot: no room for an address
            grep_pointers(name, data)
    if not kr or not FUSERMOUNT or not os.path.exists("/dev/fuse"):
        return
    with Mount(src, tmp_path / "mnt") as m:
        seen = 0
        for root, _, names in os.walk(m.path()):
            for n in names:
                if seen > 5000:
                    break
                path = os.path.join(root, n)
                with open(path, "rb") as f:
                    grep_pointers(path, f.read(1 << 16))
                seen += 1
        assert seen


# 16 private pages paged out, then 70 children: each slot's count is 71,
# past the swap_map byte's 62 (COUNT_CONTINUED), in a continuation page.
FORKS = """
import mmap, os, sys
m = mmap.mmap(-1, 16 * 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
for i in range(16):
    m[i * 4096:(i + 1) * 4096] = bytes([i + 1]) * 4096
m.madvise(21)                           # MADV_PAGEOUT
r, w = os.pipe()
for _ in range(int(sys.argv[1])):
    if os.fork() == 0:
        os.close(w)
        os.read(r, 1)
        os._exit(0)
print(os.getpid(), m.__len__(), flush=True)
sys.stdin.read()
"""


def test_live_continued_counts(host, tmp_path):
    """A count in continuation pages is read exactly, not guessed."""
    enable_only(host, 64)
    dev, _ = kr.zram_up(host, "16M", None)
    node = f"/dev/{dev}"
    proc = subprocess.Popen(["/usr/bin/python3", "-c", FORKS, "70"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        d = Dump(export_quiet(node, tmp_path, "cont"))
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    continued = {int(a): int(b) for a, b in (l.split() for l in
                 open(os.path.join(d.path, "continued")).read().splitlines())}
    assert len(continued) == 16 and set(continued.values()) == {71}, continued
    for slot in continued:
        assert d.map[slot] & 0x80 and d.map[slot] & 0x3f == 71 % 63


def test_live_errors(host, tmp_path):
    kr.zram_up(host, "16M", None)
    p = subprocess.run(["runuser", "-u", "nobody", "--", SWAPFS, "stat", "live:"],
                       capture_output=True, text=True)
    assert p.returncode == 3, p.stderr
    assert "CAP_BPF" in p.stderr and "--method pagemap" in p.stderr, p.stderr
    # every command that takes a source, and root without the capabilities
    drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-sys_admin,-bpf,-perfmon"]
    for argv in (["runuser", "-u", "nobody", "--", SWAPFS, "check", "live:"],
                 ["runuser", "-u", "nobody", "--", SWAPFS, "export", "live:", "-o",
                  str(tmp_path / "never")],
                 drop + [SWAPFS, "stat", "live:"],
                 drop + [SWAPFS, "import", "live:", "-o", str(tmp_path / "never.db")]):
        p = subprocess.run(argv, capture_output=True, text=True)
        assert p.returncode == 3, (argv, p.stderr)
        assert "CAP_BPF" in p.stderr and "--method pagemap" in p.stderr, (argv, p.stderr)
    assert not os.path.exists(tmp_path / "never") and not os.path.exists(tmp_path / "never.db")
    # CAP_BPF and CAP_PERFMON without root: kallsyms' addresses need CAP_SYSLOG here
    caps = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    if open("/proc/sys/kernel/kptr_restrict").read().strip() != "0" or \
            int(open("/proc/sys/kernel/perf_event_paranoid").read()) > 1:
        p = subprocess.run(caps + ["--inh-caps=+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon",
                                   SWAPFS, "stat", "live:"], capture_output=True, text=True)
        assert p.returncode == 3, p.stderr
        assert "CAP_SYSLOG" in p.stderr and "--method pagemap" in p.stderr, p.stderr
    p = subprocess.run(caps + ["--inh-caps=+bpf,+perfmon,+syslog",
                               "--ambient-caps=+bpf,+perfmon,+syslog", SWAPFS, "stat", "live:"],
                       capture_output=True, text=True)
    assert p.returncode == 0 and "Live read:" in p.stdout, p.stderr
    for cmd in (["stat"], ["check"], ["export", "-o", tmp_path / "never"]):
        p = run(*cmd[:1], "live:/nonexistent", *cmd[1:])
        assert p.returncode == 3, (cmd, p.stderr)
        assert "live:/nonexistent" in p.stderr and "active:" in p.stderr, p.stderr
    p = run("stat", "live:/dev/null")
    assert p.returncode == 3 and "not an active swap area" in p.stderr, p.stderr
    p = run("stat", "--snapshot", "2", "live:")
    assert p.returncode == 3 and "one snapshot" in p.stderr, p.stderr


def test_live_no_area(host):
    p = run("stat", "live:")
    assert p.returncode == 3
    assert "no swap area is active" in p.stderr
