"""swapfs capture on the real kernel: a process with a known swap layout.

A zram device of our own is swapped on at the highest priority, one mTHP
size at a time is set to `always` (every other size `never`, zswap off),
and tests/kernel/layout.c maps two regions of folios of that size, pages
them out with MADV_PAGEOUT, frees two whole folios and two single pages in
each with MADV_DONTNEED, then forks: one region is shared with the child
(count 2), the other is MADV_DONTFORK (count 1). We capture, export to a
dump, and check against the process's own pagemap (read here, as root) and
the kernel's mTHP counters:
- every untouched folio is one inferred run of its order, aligned, at the
  slots pagemap names; a disturbed folio is not;
- counts are 2 in the shared region and 1 in the private one;
- the inferred runs match hugepages-<size>kB/stats/swpout, without fallback;
- /proc/swaps Used = captured slots + unattributed, and unattributed is
  bounded by what MADV_DONTNEED may leave in the swap cache;
- without CAP_SYS_ADMIN the capture refuses with exit 3.
That is --method pagemap. By default (BPF), the state is the live
reader's, exactly what `export live:` gives, and the page tables add only
the processes and their references; --every/--count append a time series
that FILE@N and swapview's t/T walk.
Everything (THP sizes, zswap, the zram device) is put back; root and zram
are needed, else every test skips (exit 77).
"""
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import kernelhost
from conftest import SWAPFS, Mount, run

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SWAPFS))))
LAYOUT = os.environ.get("SWAPFS_TEST_LAYOUT") or os.path.join(
    BUILD, "tests", "swapfs-test-layout")
THP = kernelhost.THP
PAGE = os.sysconf("SC_PAGESIZE")
BLOCKS = 64


WHY_NOT = kernelhost.why_not()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=WHY_NOT or "")

# The replay driver's host handling: the same undo list, lock and zram setup.
kr = kernelhost.driver() if WHY_NOT is None else None


def sizes():
    have = {n for n in os.listdir(THP) if n.startswith("hugepages-")} \
        if os.path.isdir(THP) else set()
    return [kb for kb in (16, 64) if f"hugepages-{kb}kB" in have]


def stats(kb):
    d = os.path.join(THP, f"hugepages-{kb}kB", "stats")
    return {n: int(open(os.path.join(d, n)).read()) for n in ("swpout", "swpout_fallback")}


def pagemap_slots(pid, addr, npages):
    """(type, offset) or None per page, read from /proc/PID/pagemap."""
    out = []
    with open(f"/proc/{pid}/pagemap", "rb") as f:
        f.seek(addr // PAGE * 8)
        data = f.read(npages * 8)
    for i in range(npages):
        e = int.from_bytes(data[i * 8:i * 8 + 8], "little")
        out.append((e & 31, (e >> 5) & ((1 << 50) - 1))
                   if (e >> 62) & 3 == 1 else None)
    return out


def read_dump(path):
    info = dict(l.split(": ", 1) for l in open(os.path.join(path, "info")).read().splitlines())
    smap = open(os.path.join(path, "swap_map"), "rb").read()
    orders = {}
    if os.path.exists(os.path.join(path, "orders")):
        for l in open(os.path.join(path, "orders")).read().splitlines():
            off, order = map(int, l.split())
            orders[off] = order
    return info, smap, orders


@pytest.fixture
def host():
    """THP sizes, zswap and a zram device of our own; put back afterwards."""
    with kernelhost.own_host(": the mTHP counters are global") as h:
        yield h


enable_only = kernelhost.only_mthp


@pytest.mark.parametrize("kb", sizes())
def test_capture_layout(host, tmp_path, kb):
    enable_only(host, kb)
    dev, _ = kr.zram_up(host, "64M", None)
    node = f"/dev/{dev}"
    before = stats(kb)
    proc = subprocess.Popen([LAYOUT, str(kb), str(BLOCKS)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        lay = json.loads(proc.stdout.readline())
        after = stats(kb)
        folio = lay["folio"] // PAGE
        order = folio.bit_length() - 1
        npages = lay["blocks"] * folio
        truth = {r: pagemap_slots(lay["pid"], lay[r], npages) for r in ("shared", "private")}
        snap = tmp_path / "cap.db"
        p = run("capture", "--method", "pagemap", "-o", snap, "--device", node, check=0)
        assert "unattributed" in p.stderr and "from page tables" in p.stderr
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)

    dump = tmp_path / "dump"
    run("export", snap, "-o", dump, check=0)
    info, smap, orders = read_dump(dump)
    assert info["capture_method"] == "pagemap"
    assert info["capture_max_order"] == str(order)
    # a single page past the folio's end is not freed (layout.c)
    pages = [(b, pg) for b, pg in lay["free_pages"] if pg < folio]
    disturbed = set(lay["free_folios"]) | {b for b, _ in pages}
    intact = 0
    for region, count in (("shared", 2), ("private", 1)):
        for b in range(lay["blocks"]):
            ents = truth[region][b * folio:(b + 1) * folio]
            if b in lay["free_folios"]:
                assert all(e is None for e in ents), (region, b)
                continue
            live = [e for e in ents if e is not None]
            assert all(e[0] == int(info["type"]) for e in live)
            for _, off in live:
                assert smap[off] == count, (region, b, off, smap[off])
            if b in disturbed:
                assert len(live) == folio - 1
                assert orders.get(live[0][1]) != order, (region, b)
                continue
            first = ents[0][1]
            assert [e[1] for e in ents] == list(range(first, first + folio)), (region, b)
            assert first % folio == 0
            assert orders.get(first) == order, (region, b, first, orders.get(first))
            intact += 1
    assert intact == 2 * (lay["blocks"] - len(disturbed))

    out = after["swpout"] - before["swpout"]
    fallback = after["swpout_fallback"] - before["swpout_fallback"]
    assert out + fallback == 2 * lay["blocks"]
    assert fallback == 0, "a fresh 64M device should take every folio whole"
    runs = sum(1 for o in orders.values() if o == order)
    assert runs == out - 2 * len(disturbed)

    used = int(info["inuse_pages"])
    slots, unattributed = int(info["capture_slots"]), int(info["capture_unattributed"])
    assert used == slots + unattributed
    # only what MADV_DONTNEED left cached can be missing
    freed = 2 * (len(lay["free_folios"]) * folio + len(pages))
    assert unattributed <= freed
    # the capture is a snapshot like any other
    assert run("check", snap).returncode in (0, 1)
    st = json.loads(run("stat", "--json", snap, check=0).stdout)
    assert st["source"]["kind"] == "capture"
    assert "inferred" in st["source"]["note"]
    assert st["info"]["capture_procs"] == "2"      # the layout process and its child
    mounted_back_references(snap, tmp_path, lay, truth, folio)
    opens_in_swapview(snap, tmp_path)


def mounted_back_references(snap, tmp_path, lay, truth, folio):
    """The mount's procs/ and owners= say what pagemap said."""
    with Mount(snap, tmp_path / "mnt") as m:
        mnt = Path(m.path())
        assert sorted(os.listdir(mnt / "procs")) == sorted(
            str(p) for p in (lay["pid"], lay["child"]))
        rows = (mnt / "procs" / str(lay["pid"]) / "refs").read_text().splitlines()
        assert rows[0] == "vaddr slot order"
        got = {int(v, 16): int(s) for v, s, _ in (r.split() for r in rows[1:])}
        for region in ("shared", "private"):
            for i, e in enumerate(truth[region]):
                if e is not None:
                    assert got.pop(lay[region] + i * PAGE) == e[1]
        assert not got, "references pagemap did not show"
        child = (mnt / "procs" / str(lay["child"]) / "refs").read_text().splitlines()[1:]
        assert len(child) == sum(e is not None for e in truth["shared"])
        first = next(e[1] for e in truth["shared"] if e is not None)
        cs = 512
        line = (mnt / "clusters" / str(first // cs) / "slots" / str(first)).read_text()
        owners = line.split(" owners=")[1].split()[0].split(",")
        assert sorted(int(o.split(":")[0]) for o in owners) == sorted((lay["pid"], lay["child"]))


def opens_in_swapview(snap, tmp_path):
    """swapview shows the captured device's map (tmux drives it)."""
    swapview = os.environ.get("SWAPVIEW") or os.path.join(BUILD, "src", "view", "swapview")
    tmux = shutil.which("tmux")
    if not tmux or not os.path.exists(swapview):
        return
    sock = f"swapfs-capture-test-{os.getpid()}"
    t = [tmux, "-L", sock, "-f", "/dev/null"]
    subprocess.run(t + ["new-session", "-d", "-x", "120", "-y", "40",
                        f"{swapview} --ascii {snap}; sleep 60"], check=True)
    sock_path = subprocess.run(t + ["display", "-p", "#{socket_path}"], capture_output=True,
                               text=True).stdout.strip()
    try:
        screen = ""
        for _ in range(250):
            screen = subprocess.run(t + ["capture-pane", "-p"], capture_output=True,
                                    text=True).stdout
            if "allocatable by order:" in screen:
                break
            time.sleep(0.04)
        assert "allocatable by order:" in screen, screen
        assert "cap.db | kernel" in screen, screen
        subprocess.run(t + ["send-keys", "q"], check=True)
    finally:
        subprocess.run(t + ["kill-server"], capture_output=True)
        if sock_path and os.path.exists(sock_path):
            os.unlink(sock_path)


def test_capture_needs_cap_sys_admin(host, tmp_path):
    enable_only(host, 64)
    kr.zram_up(host, "16M", None)
    p = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-sys_admin",
                        SWAPFS, "capture", "-o", str(tmp_path / "x.db")],
                       capture_output=True, text=True)
    assert p.returncode == 3, p.stderr
    assert "CAP_SYS_ADMIN" in p.stderr
    assert not (tmp_path / "x.db").exists()


def test_capture_names_the_area(host, tmp_path):
    p = run("capture", "-o", tmp_path / "x.db")
    assert p.returncode == 3
    assert "no swap area is active" in p.stderr
    for method in ("pagemap", "bpf"):
        p = run("capture", "--method", method, "-o", tmp_path / "x.db", "--device", "/dev/null")
        assert p.returncode == 3
        assert "not an active swap area" in p.stderr or "no swap area is active" in p.stderr
    kr.zram_up(host, "16M", None)
    for method in ("pagemap", "bpf"):
        p = run("capture", "--method", method, "-o", tmp_path / "x.db", "--device", "/dev/null")
        assert p.returncode == 3 and "not an active swap area" in p.stderr, p.stderr



def live_works():
    p = run("stat", "live:")
    return "live-not-built" not in p.stderr and ("live-area" in p.stderr or p.returncode == 0)


def lay_out(host, tmp_path, kb=64):
    enable_only(host, kb)
    dev, _ = kr.zram_up(host, "64M", None)
    proc = subprocess.Popen([LAYOUT, str(kb), str(BLOCKS)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    return proc, json.loads(proc.stdout.readline()), f"/dev/{dev}"


def quiet_pair(node, tmp_path, snap):
    """capture (default method) and export live: of one quiet state."""
    for i in range(20):
        p = run("capture", "-f", "-o", snap, "--device", node, check=0)
        run("export", f"live:{node}", "-o", tmp_path / f"live{i}", check=0)
        run("export", snap, "-o", tmp_path / f"cap{i}", check=0)
        a, b = read_dump(tmp_path / f"live{i}"), read_dump(tmp_path / f"cap{i}")
        if a[1] == b[1] and open(tmp_path / f"live{i}" / "clusters").read() == \
                open(tmp_path / f"cap{i}" / "clusters").read():
            return p, b[0], b[1], tmp_path / f"cap{i}"
    raise AssertionError("the area never stood still for two reads")


def test_capture_bpf(host, tmp_path):
    """The state is the live reader's; the page tables add only the owners."""
    if not live_works():
        pytest.skip("the BPF reader does not work here")
    proc, lay, node = lay_out(host, tmp_path)
    try:
        folio = lay["folio"] // PAGE
        npages = lay["blocks"] * folio
        truth = {r: pagemap_slots(lay["pid"], lay[r], npages) for r in ("shared", "private")}
        snap = tmp_path / "cap.db"
        p, info, smap, dump = quiet_pair(node, tmp_path, snap)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    assert "read exactly through BPF" in p.stderr and "owners from page tables" in p.stderr
    assert info["capture_method"] == "bpf" and info["live_method"]
    assert "capture_max_order" not in info          # nothing inferred
    assert not os.path.exists(dump / "orders")
    # counts: exact (2 shared, 1 private), and every reference is there
    st = json.loads(run("stat", "--json", snap, check=0).stdout)
    assert st["source"]["kind"] == "capture" and "exact" in st["source"]["note"]
    refs = 0
    for region, count in (("shared", 2), ("private", 1)):
        for e in truth[region]:
            if e is not None:
                assert smap[e[1]] == count, (region, e, smap[e[1]])
                refs += count
    assert int(info["capture_refs"]) == refs and info["capture_refs_dropped"] == "0"
    assert info["capture_procs"] == "2"
    used = sum(1 for b in smap if b and b != 0x3f)
    assert int(info["capture_slots"]) + int(info["capture_unattributed"]) == used
    assert int(info["inuse_pages"]) == used
    mounted_back_references(snap, tmp_path, lay, truth, folio)


def test_capture_methods(host, tmp_path):
    kr.zram_up(host, "16M", None)
    if live_works():
        p = run("capture", "--method", "bpf", "-o", tmp_path / "b.db", check=0)
        assert "through BPF" in p.stderr
        st = json.loads(run("stat", "--json", tmp_path / "b.db", check=0).stdout)
        assert st["info"]["capture_method"] == "bpf"
    p = run("capture", "--method", "pagemap", "-o", tmp_path / "p.db", check=0)
    st = json.loads(run("stat", "--json", tmp_path / "p.db", check=0).stdout)
    assert st["info"]["capture_method"] == "pagemap" and "live_method" not in st["info"]
    p = run("capture", "--method", "kcore", "-o", tmp_path / "x.db")
    assert p.returncode == 2 and "expected bpf or pagemap" in p.stderr
    p = run("capture", "--count", "3", "-o", tmp_path / "x.db")
    assert p.returncode == 2 and "--count needs --every" in p.stderr
    p = run("capture", "--every", "0.1us", "-o", tmp_path / "x.db")
    assert p.returncode == 2 and "invalid interval" in p.stderr
    # without the BPF capabilities, --method bpf says how to do without
    p = subprocess.run(["runuser", "-u", "nobody", "--", SWAPFS, "capture", "--method", "bpf",
                        "-o", "/tmp/never.db"], capture_output=True, text=True)
    assert p.returncode == 3 and "--method pagemap" in p.stderr, p.stderr


def test_capture_series(host, tmp_path):
    """--every --count: a time series, appended as taken; FILE@N and t/T walk it."""
    proc, lay, node = lay_out(host, tmp_path)
    try:
        snap = tmp_path / "ts.db"
        p = run("capture", "--every", "200ms", "--count", "3", "-o", snap, check=0)
        assert "snapshot 3 of the series" in p.stderr
        p = run("capture", "-a", "--every", "0.1", "--count", "1", "-o", snap, check=0)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    created = []
    for n in (1, 2, 3, 4):
        st = json.loads(run("stat", "--json", f"{snap}@{n}", check=0).stdout)
        assert st["source"]["snapshot"] == n
        assert st["info"]["capture_procs"] == "2"
        created.append(st["source"]["created"])
    assert created == sorted(created)
    p = run("stat", f"{snap}@5")
    assert p.returncode == 3 and "no snapshot 5" in p.stderr
    p = run("capture", "--every", "1s", "--count", "1", "-o", snap)
    assert p.returncode == 3 and "exists" in p.stderr       # never clobbered unasked
    series_in_swapview(snap)


def series_in_swapview(snap):
    """swapview opens FILE@2 at snapshot 2; t and T walk the series."""
    swapview = os.environ.get("SWAPVIEW") or os.path.join(BUILD, "src", "view", "swapview")
    tmux = shutil.which("tmux")
    if not tmux or not os.path.exists(swapview):
        return
    sock = f"swapfs-series-test-{os.getpid()}"
    t = [tmux, "-L", sock, "-f", "/dev/null"]
    subprocess.run(t + ["new-session", "-d", "-x", "120", "-y", "40",
                        f"{swapview} --ascii {snap}@2; sleep 60"], check=True)

    def screen_with(text):
        s = ""
        for _ in range(250):
            s = subprocess.run(t + ["capture-pane", "-p"], capture_output=True,
                               text=True).stdout
            if text in s:
                return s
            time.sleep(0.04)
        raise AssertionError(f"{text!r} not on the screen:\n{s}")

    try:
        screen_with("allocatable by order:")
        subprocess.run(t + ["send-keys", "t"], check=True)
        screen_with("snapshot 3 (3 of 4)")
        subprocess.run(t + ["send-keys", "T", "T"], check=True)
        screen_with("snapshot 1 (1 of 4)")
        subprocess.run(t + ["send-keys", "q"], check=True)
    finally:
        subprocess.run(t + ["kill-server"], capture_output=True)
