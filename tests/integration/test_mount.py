"""swapfs mount: the FUSE tree, on real mounts of the real binary.

Every value the tree shows is checked against what `swapfs stat --json`
and `swapfs check` say about the same source, or against a dump planted
here slot by slot. Each test unmounts what it mounted with fusermount3 -u
(lazily only when cleaning up after a failure) and waits for its daemon.
"""
import errno
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import FUSERMOUNT, SWAPFS, Mount, write_value, fusermount, in_mountinfo, mkswap, run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FINDINGS = sorted(p.name for p in (FIXTURES / "findings").iterdir() if p.is_dir())
ERAS = sorted(p.name for p in (FIXTURES / "dumps").iterdir() if p.is_dir())
MAN = Path(__file__).resolve().parent.parent.parent / "man" / "swapfs.8"
CHECKS = ["misaligned", "count-mismatch", "list-mismatch", "bad-in-use",
          "orphan-cache", "mixed-backing", "mixed-order", "partial-block",
          "cache-only"]
FLAGS = ["none", "free", "nonfull", "frag", "full", "discard"]
STRESS_SECONDS = float(os.environ.get("SWAPFS_MOUNT_STRESS_SECONDS", "30"))

pytestmark = pytest.mark.skipif(
    not FUSERMOUNT or not os.path.exists("/dev/fuse"),
    reason="needs /dev/fuse and fusermount3")


# ---- what the other commands say ----

def stat_json(src, *args):
    return json.loads(run("stat", "--json", *args, src, check=0).stdout)


def check_lines(src, *args):
    """Every finding check prints (info too), without its summary line."""
    p = run("check", "--severity", "info", *args, src)
    assert p.returncode in (0, 1), p.stderr
    lines = p.stdout.splitlines()
    assert lines[-1].startswith("summary "), p.stdout
    return lines[:-1]


def dump_clusters(src, tmp):
    """index -> (count, flag, order), from the dump or an export of it."""
    d = Path(src)
    if not d.is_dir():
        d = Path(tmp) / "export"
        run("export", src, "-o", d, check=0)
    out = {}
    for line in (d / "clusters").read_text().splitlines():
        if line and not line.startswith("#"):
            i, count, flag, order = line.split()
            out[int(i)] = (int(count), flag, int(order))
    return out


def tree(root):
    """relpath -> ('d'|'f'|'l', mode, size, link target or None); no following."""
    out = {}

    def walk(d, rel):
        with os.scandir(d) as it:
            for e in it:
                r = f"{rel}/{e.name}" if rel else e.name
                st = e.stat(follow_symlinks=False)
                if stat.S_ISLNK(st.st_mode):
                    out[r] = ("l", stat.S_IMODE(st.st_mode), st.st_size,
                              os.readlink(e.path))
                elif stat.S_ISDIR(st.st_mode):
                    out[r] = ("d", stat.S_IMODE(st.st_mode), st.st_size, None)
                    walk(e.path, r)
                else:
                    out[r] = ("f", stat.S_IMODE(st.st_mode), st.st_size, None)
    walk(root, "")
    return out


# ---- sources ----

def write_planted(d):
    """An era-E dump with one slot of each map glyph at a known place.

    cluster 0 (order 0): b u m c z e z . . . (slot 3 cache-only: a finding)
    cluster 1 (order 2): a misaligned order-2 run at 18..21 and two
    partial-block findings 16..19, 20..23; clusters 2, 3 free.
    """
    d.mkdir()
    (d / "info").write_text(
        "format: swapfs-dump 1\nkernel: 6.18.44\npage_size: 4096\n"
        "cluster_size: 16\nmax: 64\npages: 63\ninuse_pages: 9\ntype: 0\n"
        "path: /dev/zram0\nflags: 0x53 USED|WRITEOK|SOLIDSTATE|BLKDEV\n"
        "prio: -2\nnr_orders: 5\nrotational: 0\n")
    m = bytearray(64)
    m[0:7] = bytes([0x3f, 1, 2, 0x40, 1, 1, 0x41])
    m[18:22] = bytes([1, 1, 1, 1])
    (d / "swap_map").write_bytes(bytes(m))
    (d / "zeromap").write_bytes(bytes([1 << 5]) + bytes(7))
    (d / "zswap").write_bytes(bytes([1 << 4 | 1 << 6]) + bytes(7))
    (d / "clusters").write_text("0 7 nonfull 0\n1 4 nonfull 2\n2 0 free 0\n"
                                "3 0 free 0\n")
    (d / "orders").write_text("18 2\n")
    (d / "cache").write_text("3 0 uptodate\n")
    return d


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    d = tmp_path_factory.mktemp("sources")
    s = {}
    s["random"] = d / "random.db"
    run("sim", "--builtin", "random:orders=0+2+4,fill=80,ops=20000",
        "--size", "64M", "-o", s["random"], check=0)
    s["fragment"] = d / "fragment.db"
    run("sim", "--builtin", "fragment:orders=0+4,fill=90,holes=30",
        "--size", "64M", "-o", s["fragment"], check=0)
    s["series"] = d / "series.db"
    run("sim", "--builtin", "random:orders=0+2+4,fill=80,ops=20000",
        "--size", "64M", "--every", "5000", "-o", s["series"], check=0)
    s["planted"] = write_planted(d / "planted")
    s["misaligned"] = FIXTURES / "findings" / "misaligned"
    s["era-E"] = FIXTURES / "dumps" / "era-E"
    return s


@pytest.fixture
def mnt(tmp_path):
    return tmp_path / "mnt"


# ---- the tree's structure ----

ROOT = {"README", "source", "edits", "refused", "device", "stats", "clusters", "orders",
        "lists", "cache", "findings", "procs"}
CLUSTER_FILES = {"order", "flags", "count", "first_slot", "used", "free",
                 "cached", "bad", "map", "folios", "findings", "slots"}
STATS = {"slots_used", "slots_free", "slots_cached", "slots_cache_only",
         "slots_bad", "slots_zero", "slots_zswap", "vm_swap_full", "orders", "clusters_moving",
         *(f"clusters_{f}" for f in FLAGS)}


@pytest.mark.parametrize("name", ["random", "planted", "misaligned", "era-E"])
def test_tree_structure(name, sources, mnt, tmp_path):
    src = sources[name]
    js = stat_json(src)
    nr, cs = js["device"]["clusters"], js["device"]["cluster_size"]
    slots, nr_orders = js["device"]["slots"], js["device"]["nr_orders"]
    clusters = dump_clusters(src, tmp_path)
    with Mount(src, mnt) as m:
        t = tree(m.mnt)
        for rel, (kind, mode, size, target) in t.items():
            if kind == "d":
                assert mode == 0o555, rel
            elif kind == "f":
                assert mode == 0o444, rel
                with open(m.path(rel), "rb") as f:
                    assert len(f.read()) == size, f"{rel}: st_size is not exact"
            else:
                assert not target.startswith("/"), rel
                real = os.path.realpath(m.path(rel))
                assert real.startswith(m.mnt + "/clusters/"), rel
                assert os.path.isdir(real), rel
        top = {r for r in t if "/" not in r}
        assert top == ROOT
        assert {r[len("device/"):] for r in t if r.startswith("device/")} == set(js["info"])
        assert {r[len("stats/"):] for r in t if r.startswith("stats/")} == STATS
        assert {r for r in t if r.startswith("clusters/") and r.count("/") == 1} == \
            {f"clusters/{i}" for i in range(nr)}
        for i in range(nr):
            assert {r.split("/")[2] for r in t if r.startswith(f"clusters/{i}/")
                    and r.count("/") == 2} == CLUSTER_FILES
            first, end = i * cs, min((i + 1) * cs, slots)
            assert {r for r in t if r.startswith(f"clusters/{i}/slots/")} == \
                {f"clusters/{i}/slots/{o}" for o in range(first, end)}
        assert {r for r in t if r.startswith("orders/") and r.count("/") == 1} == \
            {f"orders/{k}" for k in range(nr_orders)}
        for k in range(nr_orders):
            assert {r.split("/")[2] for r in t if r.startswith(f"orders/{k}/")
                    and r.count("/") == 2} == {"clusters", "nr_clusters",
                                               "allocatable", "folios"}
            owned = {f"orders/{k}/clusters/{i}" for i, c in clusters.items() if c[2] == k}
            assert {r for r in t if r.startswith(f"orders/{k}/clusters/")} == owned
            assert all(t[r][3] == f"../../../clusters/{r.split('/')[-1]}" for r in owned)
        lists = {r for r in t if r.startswith("lists/")}
        expect = {"lists/free", "lists/full", "lists/discard", "lists/nonfull",
                  "lists/frag"}
        for flag in ("nonfull", "frag"):
            expect |= {f"lists/{flag}/{k}" for k in range(nr_orders)}
            expect |= {f"lists/{flag}/{c[2]}/{i}" for i, c in clusters.items()
                       if c[1] == flag}
        for flag in ("free", "full", "discard"):
            expect |= {f"lists/{flag}/{i}" for i, c in clusters.items() if c[1] == flag}
        assert lists == expect
        assert {r for r in t if r.startswith("findings/")} == \
            {f"findings/{c}" for c in CHECKS + ["all"]}
        assert "header" not in top
        assert not [r for r in t if r.startswith("procs/")]   # no back-references
        assert m.read("edits") == ""


def test_root_lookup_of_missing_names(sources, mnt):
    with Mount(sources["planted"], mnt) as m:
        for rel in ["nope", "clusters/4", "clusters/01", "clusters/-1",
                    "clusters/0/slots/16", "orders/5", "lists/frag/5",
                    "cache/4", "header", "findings/bogus", "device/bogus"]:
            with pytest.raises(FileNotFoundError):
                os.stat(m.path(rel))


# ---- values against stat and check ----

@pytest.mark.parametrize("name", ["random", "fragment", "planted", "era-E"])
def test_values_match_stat_json(name, sources, mnt):
    src = sources[name]
    js = stat_json(src)
    with Mount(src, mnt) as m:
        for key, val in js["totals"].items():
            want = int(val) if isinstance(val, bool) else val
            assert m.read("stats", key) == f"{want}\n", key
        for flag in FLAGS:
            assert m.read("stats", f"clusters_{flag}") == f"{js['clusters'][flag]}\n"
        for key, val in js["info"].items():
            assert m.read("device", key) == f"{val}\n", key
        rows = m.read("stats", "orders").splitlines()
        assert rows[0].split() == ["order", "clusters", "free", "nonfull",
                                   "frag", "full", "allocatable"]
        assert len(rows) == 1 + js["device"]["nr_orders"]
        for row, o in zip(rows[1:], js["orders"]):
            c = o["clusters"]
            assert [int(x) for x in row.split()] == [
                o["order"], sum(c.values()), c["free"], c["nonfull"], c["frag"],
                c["full"], o["allocatable"]]
            k = o["order"]
            assert m.read("orders", k, "nr_clusters") == f"{sum(c.values())}\n"
            assert m.read("orders", k, "allocatable") == f"{o['allocatable']}\n"
            assert m.read("orders", k, "folios") == f"{o['folios']}\n"
        source = dict(l.split(": ", 1) for l in m.read("source").splitlines())
        for key, val in js["source"].items():
            if val is None:
                assert key not in source
            else:
                assert source[key] == str(val), key
        assert source["mode"] == "ro"


@pytest.mark.parametrize("name", ["random", "planted", "era-E"])
def test_clusters_match_dump_and_totals(name, sources, mnt, tmp_path):
    src = sources[name]
    js = stat_json(src)
    clusters = dump_clusters(src, tmp_path)
    sums = dict(used=0, free=0, cached=0, bad=0)
    with Mount(src, mnt) as m:
        for i, (count, flag, order) in clusters.items():
            assert m.read("clusters", i, "count") == f"{count}\n"
            assert m.read("clusters", i, "flags") == f"{flag}\n"
            assert m.read("clusters", i, "order") == f"{order}\n"
            assert m.read("clusters", i, "first_slot") == \
                f"{i * js['device']['cluster_size']}\n"
            for key in sums:
                sums[key] += int(m.read("clusters", i, key))
    for key in sums:
        assert sums[key] == js["totals"][f"slots_{key}"], key


SLOT_RE = re.compile(r"^count=(\d+) cached=([01]) bad=([01]) zero=([01]) "
                     r"zswap=([01]) order=(\d+|unknown)\n$")


@pytest.mark.parametrize("name", ["random", "planted"])
def test_slot_files(name, sources, mnt):
    """Needs snapedit_slot_format() (snapedit.h) to write the real line."""
    src = sources[name]
    t = stat_json(src)["totals"]
    seen = dict(used=0, cached=0, bad=0, zero=0, zswap=0)
    with Mount(src, mnt) as m:
        for d in sorted(Path(m.mnt, "clusters").iterdir(), key=lambda p: int(p.name)):
            for f in (d / "slots").iterdir():
                line = f.read_text()
                g = SLOT_RE.match(line)
                assert g, f"{f}: {line!r}"
                count, cached, bad, zero, zswap = map(int, g.groups()[:5])
                seen["used"] += count > 0
                seen["cached"] += cached
                seen["bad"] += bad
                seen["zero"] += zero
                seen["zswap"] += zswap
    for key, n in seen.items():
        assert n == t[f"slots_{key}"], key


def test_planted_slots_and_map(sources, mnt):
    """The map glyphs and slot lines at the planted positions."""
    with Mount(sources["planted"], mnt) as m:
        assert m.read("clusters/0/map") == "bumCzez.........\n"
        assert m.read("clusters/1/map") == "!!UUUU!!........\n"
        assert m.read("clusters/2/map") == "." * 16 + "\n"
        assert m.read("clusters/0/slots/0") == \
            "count=0 cached=0 bad=1 zero=0 zswap=0 order=unknown\n"
        assert m.read("clusters/0/slots/2") == \
            "count=2 cached=0 bad=0 zero=0 zswap=0 order=unknown\n"
        assert m.read("clusters/0/slots/6") == \
            "count=1 cached=1 bad=0 zero=0 zswap=1 order=unknown\n"
        assert m.read("clusters/1/slots/18") == \
            "count=1 cached=0 bad=0 zero=0 zswap=0 order=2\n"
        assert m.read("clusters/0/folios") == "offset order flags\n3 0 uptodate\n"
        assert m.read("clusters/1/folios") == "offset order flags\n"
        assert m.read("cache/3/order") == "0\n"
        assert m.read("cache/3/nr_pages") == "1\n"
        assert m.read("cache/3/flags") == "uptodate\n"
        assert os.readlink(m.path("cache/3/cluster")) == "../../clusters/0"
        assert m.read("clusters/0/used") == "5\n"
        assert m.read("clusters/0/cached") == "2\n"
        assert m.read("clusters/0/bad") == "1\n"
        assert m.read("clusters/0/free") == "9\n"


def test_map_width_and_glyphs_of_a_full_cluster(sources, mnt, tmp_path):
    """512-slot clusters: 8 lines of 64, one glyph per slot, as the slots say."""
    with Mount(sources["random"], mnt) as m:
        for i in (0, 5, 31):
            lines = m.read("clusters", i, "map").splitlines()
            assert [len(l) for l in lines] == [64] * 8
            chars = "".join(lines)
            first = int(m.read("clusters", i, "first_slot"))
            upper = bool(m.read("clusters", i, "findings"))
            for k in range(0, 512, 37):
                g = SLOT_RE.match(m.read("clusters", i, "slots", first + k))
                count, cached, bad = int(g[1]), g[2] == "1", g[3] == "1"
                want = ("b" if bad else "c" if cached and not count else
                        "." if not count else "z" if g[5] == "1" else
                        "e" if g[4] == "1" else "m" if count > 1 else "u")
                # a slot a finding covers is upper case ('!' when free)
                marked = "!" if want == "." else want.upper()
                assert chars[k] == want or (upper and chars[k] == marked), (i, k)


@pytest.mark.parametrize("name", FINDINGS + ["random", "fragment", "planted"])
def test_findings_match_check(name, sources, mnt):
    src = sources.get(name) or FIXTURES / "findings" / name
    lines = check_lines(src)
    with Mount(src, mnt) as m:
        assert m.read("findings/all").splitlines() == lines
        for c in CHECKS:
            assert m.read("findings", c).splitlines() == \
                [l for l in lines if l.split()[0] == c], c
        nr = len(os.listdir(m.path("clusters")))
        for i in range(nr):
            assert m.read("clusters", i, "findings").splitlines() == \
                [l for l in lines if f" cluster={i} " in l], i
        if not lines:
            assert os.path.getsize(m.path("findings/all")) == 0


def test_findings_read_in_pieces(sources, mnt, tmp_path):
    """A findings file read at odd offsets and sizes is the same bytes."""
    src = tmp_path / "frag.db"
    run("sim", "--builtin", "fragment:orders=0+2+4,fill=90,holes=40,hole_order=0",
        "--size", "256M", "-o", src, check=0)
    want = ("\n".join(check_lines(src)) + "\n").encode()
    assert len(want) > 64 * 1024
    with Mount(src, mnt) as m:
        fd = os.open(m.path("findings/all"), os.O_RDONLY)
        try:
            assert os.fstat(fd).st_size == len(want)
            for off, size in [(0, 10), (5000, 3), (len(want) - 7, 100),
                              (70000, 40000), (1, 1), (len(want), 10)]:
                assert os.pread(fd, size, off) == want[off:off + size], (off, size)
        finally:
            os.close(fd)
        with open(m.path("findings/all"), "rb") as f:
            assert f.read() == want


def test_lists_match_cluster_flags(sources, mnt, tmp_path):
    src = sources["random"]
    clusters = dump_clusters(src, tmp_path)
    with Mount(src, mnt) as m:
        for i in range(len(clusters)):
            flag = m.read("clusters", i, "flags").strip()
            order = int(m.read("clusters", i, "order"))
            where = (m.path("lists", flag, order, i) if flag in ("nonfull", "frag")
                     else m.path("lists", flag, i))
            if flag != "none":
                assert os.path.islink(where), where
                assert os.path.samefile(where, m.path("clusters", i))
            assert os.path.islink(m.path("orders", order, "clusters", i))
        for flag in ("free", "full", "discard"):
            for e in os.listdir(m.path("lists", flag)):
                assert m.read("clusters", e, "flags") == f"{flag}\n"


def test_cache_folios_match_dump(mnt):
    src = FIXTURES / "dumps" / "era-E"
    folios = [l.split() for l in (src / "cache").read_text().splitlines()]
    with Mount(src, mnt) as m:
        assert sorted(os.listdir(m.path("cache")), key=int) == [f[0] for f in folios]
        cs = int(m.read("device/cluster_size"))
        for f in folios:
            off, order = int(f[0]), int(f[1])
            assert m.read("cache", off, "order") == f"{order}\n"
            assert m.read("cache", off, "nr_pages") == f"{1 << order}\n"
            assert m.read("cache", off, "flags") == (f"{f[2]}\n" if len(f) > 2 else "")
            assert os.readlink(m.path("cache", off, "cluster")) == \
                f"../../clusters/{off // cs}"
            rows = m.read("clusters", off // cs, "folios").splitlines()
            assert f"{off} {order} {f[2] if len(f) > 2 else '-'}" in rows[1:]


# ---- sources and options ----

def test_snapshot_of_a_time_series(sources, mnt, tmp_path):
    src = sources["series"]
    for sid in (1, 3):
        js = stat_json(src, "-s", sid)
        with Mount(src, mnt, "-s", sid) as m:
            assert f"snapshot: {sid}\n" in m.read("source")
            assert m.read("stats/slots_used") == f"{js['totals']['slots_used']}\n"
            assert m.read("findings/all").splitlines() == check_lines(src, "-s", sid)
    p = run("mount", "-s", 99, src, mnt)
    assert p.returncode == 3 and not in_mountinfo(mnt)


def test_header(sources, mnt, tmp_path):
    img = mkswap(str(tmp_path / "swap.img"), "-L", "demo", "-U",
                 "9f3c2a1e-5b7d-4c88-a0e1-2f6b3d4c5e6f")
    # two bad pages, planted where the kernel reads them (a file may not
    # have any: kernel_ok is then "no", as swapfs header says)
    with open(img, "r+b") as f:
        f.seek(1032)
        f.write((2).to_bytes(4, "little"))
        f.seek(1536)
        f.write((7).to_bytes(4, "little") + (9).to_bytes(4, "little"))
    h = json.loads(run("header", "--json", img, check=1).stdout)["headers"][0]
    blkid = subprocess.run(["blkid", "-p", "-o", "export", img],
                           capture_output=True, text=True).stdout
    with Mount(sources["planted"], mnt, "--header", img) as m:
        assert sorted(os.listdir(m.path("header"))) == sorted([
            "signature", "version", "page_size", "byte_order", "last_page",
            "nr_badpages", "badpages", "uuid", "label", "kernel_ok"])
        assert m.read("header/signature") == f"{h['signature']}\n"
        assert m.read("header/version") == f"{h['version']}\n"
        assert m.read("header/page_size") == f"{h['pagesize']}\n"
        assert m.read("header/byte_order") == f"{h['endianness']}\n"
        assert m.read("header/last_page") == f"{h['last_page']}\n"
        assert m.read("header/nr_badpages") == "2\n"
        assert m.read("header/badpages") == "7\n9\n"
        assert m.read("header/uuid") == f"{h['uuid']}\n"
        assert m.read("header/label") == "demo\n"
        assert m.read("header/kernel_ok") == ("yes\n" if h["kernel_ok"] else "no\n")
        assert "UUID=9f3c2a1e-5b7d-4c88-a0e1-2f6b3d4c5e6f" in blkid
        assert "LABEL=demo" in blkid
        assert f"header: {os.path.realpath(img)}\n" in m.read("source")


def test_header_without_v1_fields(sources, mnt, tmp_path):
    zeros = tmp_path / "zeros.img"
    zeros.write_bytes(bytes(1 << 20))
    with Mount(sources["planted"], mnt, "--header", zeros) as m:
        h = json.loads(run("header", "--json", zeros, check=1).stdout)["headers"][0]
        assert m.read("header/signature") == f"{h['signature']}\n"
        for f in ("version", "last_page", "uuid", "label", "badpages"):
            assert m.read("header", f) == "", f
        assert m.read("header/kernel_ok") == "no\n"


def test_mount_options_and_modes(sources, mnt):
    with Mount(sources["planted"], mnt) as m:
        with open("/proc/self/mountinfo") as f:
            line = next(l for l in f if l.split()[4] == os.path.realpath(m.mnt))
        fields = line.split(" - ")[1].split()
        assert fields[0] == "fuse.swapfs"
        assert fields[1] == f"swapfs:{os.path.realpath(sources['planted'])}"
        assert "default_permissions" in fields[2]
        assert "allow_other" not in line
        assert line.split()[5].startswith("ro")


def test_read_only_mount_refuses_writes(sources, mnt):
    with Mount(sources["random"], mnt) as m:
        for rel in ("clusters/3/flags", "clusters/3/slots/1600", "stats/slots_used",
                    "README"):
            with pytest.raises(OSError) as e:
                open(m.path(rel), "w")
            assert e.value.errno in (errno.EROFS, errno.EACCES), rel
        with pytest.raises(OSError) as e:
            os.mkdir(m.path("clusters/new"))
        assert e.value.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
        assert m.read("edits") == ""


def test_non_empty_mount_point_refused(sources, mnt):
    mnt.mkdir()
    (mnt / "keep").write_text("x")
    p = run("mount", sources["planted"], mnt)
    assert p.returncode == 3
    assert "not empty" in p.stderr and not in_mountinfo(mnt)
    with Mount(sources["planted"], mnt, "-o", "nonempty") as m:
        assert "README" in os.listdir(m.mnt)
    assert (mnt / "keep").read_text() == "x"


@pytest.mark.parametrize("args,rc", [
    (["-o", "bogus"], 2), (["-o", "save=x.db"], 2), ([], 2),
    (["-o", "rw"], 2),      # a dump directory read-write needs save=
])
def test_usage_errors(args, rc, sources, mnt):
    mnt.mkdir()
    pos = [sources["planted"], mnt] if args else [sources["planted"]]
    p = run("mount", *args, *pos)
    assert p.returncode == rc, p.stderr
    assert not in_mountinfo(mnt)


def test_invalid_source_refused_before_mounting(mnt):
    mnt.mkdir()
    p = run("mount", FIXTURES / "bad-dumps" / "03-map-missing", mnt)
    assert p.returncode == 3 and "[" in p.stderr
    assert not in_mountinfo(mnt)


def test_daemonized_mount_returns_when_ready(sources, mnt):
    mnt.mkdir()
    p = run("mount", sources["random"], mnt)
    try:
        assert p.returncode == 0, p.stderr
        assert os.path.ismount(mnt)      # no waiting: up when it returned
        assert int((mnt / "stats" / "slots_used").read_text()) > 0
    finally:
        assert fusermount(mnt).returncode == 0
    assert not in_mountinfo(mnt)


# ---- lifecycle ----

def test_unmount_with_open_files(sources, mnt):
    with Mount(sources["random"], mnt) as m:
        f = open(m.path("clusters/0/map"))
        try:
            p = fusermount(m.mnt)
            assert p.returncode != 0 and "busy" in p.stderr.lower()
            assert fusermount(m.mnt, lazy=True).returncode == 0
            assert not in_mountinfo(m.mnt)
            assert len(f.read()) == 512 + 8     # still served
            time.sleep(0.2)
            assert m.proc.poll() is None        # until the last close
        finally:
            f.close()
        assert m.proc.wait(timeout=30) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signals_unmount_cleanly(sig, sources, mnt):
    with Mount(sources["planted"], mnt) as m:
        m.proc.send_signal(sig)
        assert m.proc.wait(timeout=30) == 0
        assert not in_mountinfo(m.mnt)


def test_kill_9_leaves_snapshot_intact(sources, mnt, tmp_path):
    src = tmp_path / "copy.db"
    shutil.copy(sources["random"], src)
    before = run("stat", src, check=0).stdout
    data = src.read_bytes()
    for opts in ([], ["-o", "rw"]):
        with Mount(src, mnt, *opts) as m:
            m.read("stats/slots_used")
            m.proc.kill()
            m.proc.wait()
            with pytest.raises(OSError) as e:
                os.stat(m.path("README"))
            assert e.value.errno == errno.ENOTCONN
            assert in_mountinfo(m.mnt)
            assert fusermount(m.mnt).returncode == 0
            assert not in_mountinfo(m.mnt) and os.listdir(m.mnt) == []
        assert run("stat", src, check=0).stdout == before
        assert src.read_bytes() == data


def test_concurrent_readers_30s(sources, mnt):
    """STRESS (30 s, SWAPFS_MOUNT_STRESS_SECONDS): 8 readers of grep -r."""
    src = sources["random"]
    with Mount(src, mnt) as m:
        cmd = ["grep", "-r", ".", m.path("stats"), m.path("clusters/3"),
               m.path("clusters/17"), m.path("findings")]
        ref = subprocess.run(cmd, capture_output=True, text=True)
        assert ref.returncode == 0 and ref.stderr == ""
        errors, runs = [], [0] * 8
        stop = time.monotonic() + STRESS_SECONDS

        def reader(n):
            while time.monotonic() < stop and not errors:
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode or p.stderr or p.stdout != ref.stdout:
                    errors.append((p.returncode, p.stderr[:500]))
                runs[n] += 1

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[0]
        assert all(runs)
        js = stat_json(src)
        assert f"{m.path('stats/slots_used')}:{js['totals']['slots_used']}" in \
            ref.stdout.splitlines()


def test_mount_as_normal_user(sources):
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs root to become nobody (runuser)")
    if not os.stat("/dev/fuse").st_mode & stat.S_IROTH:
        pytest.skip("/dev/fuse is not open to other users here (mode "
                    f"{stat.S_IMODE(os.stat('/dev/fuse').st_mode):04o})")
    base = tempfile.mkdtemp(prefix="swapfs-user-")
    try:
        os.chmod(base, 0o755)
        src, mnt = os.path.join(base, "r.db"), os.path.join(base, "mnt")
        shutil.copy(sources["random"], src)
        os.mkdir(mnt)
        for p in (src, mnt):
            os.chown(p, 65534, 65534)
        as_nobody = ["runuser", "-u", "nobody", "--"]
        probe = subprocess.run([*as_nobody, SWAPFS, "--version"],
                               capture_output=True, text=True)
        if probe.returncode:
            pytest.skip(f"nobody cannot run {SWAPFS}: {probe.stderr.strip()}")
        p = subprocess.run([*as_nobody, SWAPFS, "mount", src, mnt],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        try:
            want = stat_json(src)["totals"]["slots_used"]
            r = subprocess.run([*as_nobody, "cat", os.path.join(mnt, "stats/slots_used")],
                               capture_output=True, text=True)
            assert r.stdout == f"{want}\n", r.stderr
            # without allow_other the tree is its owner's alone, even for root
            with pytest.raises(PermissionError):
                os.listdir(mnt)
        finally:
            u = fusermount(mnt, user="nobody")
            if u.returncode:
                fusermount(mnt, lazy=True)
            assert u.returncode == 0, u.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ---- the scripting examples of swapfs(8), verbatim ----

def man_text():
    t = MAN.read_text()
    for a, b in [("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\e", "\\"),
                 ("\\&", "")]:
        t = t.replace(a, b)
    return t


def example(cmd, mnt, **more):
    """Run a command of the man page, after checking it is there verbatim."""
    assert f"$ {cmd}\n" in man_text(), f"not in swapfs(8): {cmd}"
    cmd = cmd.replace("/mnt/swap", str(mnt))
    for k, v in more.items():
        cmd = cmd.replace(k, str(v))
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)


def test_example_frag_list_and_allocatable(sources, mnt, tmp_path):
    src = sources["random"]
    clusters = dump_clusters(src, tmp_path)
    js = stat_json(src)
    with Mount(src, mnt):
        p = example("ls /mnt/swap/lists/frag/4", mnt)
        frag4 = sorted(i for i, c in clusters.items() if c[1] == "frag" and c[2] == 4)
        assert frag4, "the random sim is expected to leave an order-4 frag cluster"
        assert sorted(map(int, p.stdout.split())) == frag4
        want = f"{js['orders'][4]['allocatable']}\n"
        assert example("cat /mnt/swap/orders/4/allocatable", mnt).stdout == want
        assert example("awk '$1 == 4 { print $7 }' /mnt/swap/stats/orders",
                       mnt).stdout == want


def test_example_misaligned_folios(mnt):
    src = FIXTURES / "findings" / "misaligned"
    lines = check_lines(src)
    with Mount(src, mnt):
        p = example("for f in /mnt/swap/cache/*; do o=$(cat $f/order); s=${f##*/}; "
                    "[ $((s % (1 << o))) -ne 0 ] && echo \"$s order $o\"; done", mnt)
        assert p.stdout.splitlines() == ["143 order 1", "161 order 2"]
        p = example("grep 'detail=.*cache' /mnt/swap/findings/misaligned", mnt)
        assert p.stdout.splitlines() == [l for l in lines if "cache" in l]
        assert len(p.stdout.splitlines()) == 2


def test_example_clusters_with_findings(mnt):
    src = FIXTURES / "findings" / "list-mismatch"
    lines = check_lines(src)
    with Mount(src, mnt):
        p = example("grep -l . /mnt/swap/clusters/*/findings", mnt)
        got = sorted(int(l.split("/")[-2]) for l in p.stdout.splitlines())
        assert got == sorted({int(re.search(r"cluster=(\d+)", l)[1]) for l in lines})
        assert got == [6, 7, 8, 9, 10, 11]


def test_example_compare_two_mounts(sources, tmp_path):
    src = sources["series"]
    before, after = tmp_path / "before", tmp_path / "after"
    for d in (before, after):
        d.mkdir()
    p = example("swapfs mount -s 1 series.db /mnt/before", tmp_path,
                **{"swapfs ": f"{SWAPFS} ", "series.db": src,
                   "/mnt/before": before})
    assert p.returncode == 0, p.stderr
    try:
        p = example("swapfs mount -s 2 series.db /mnt/after", tmp_path,
                    **{"swapfs ": f"{SWAPFS} ", "series.db": src,
                       "/mnt/after": after})
        assert p.returncode == 0, p.stderr
        try:
            p = example("diff -r /mnt/before/stats /mnt/after/stats", tmp_path,
                        **{"/mnt/before": before, "/mnt/after": after})
            assert p.returncode == 1
            u1 = stat_json(src, "-s", 1)["totals"]["slots_used"]
            u2 = stat_json(src, "-s", 2)["totals"]["slots_used"]
            assert u1 != u2
            assert f"< {u1}\n---\n> {u2}\n" in p.stdout
        finally:
            assert fusermount(after).returncode == 0
    finally:
        assert fusermount(before).returncode == 0


# ---- read-write mounts (edits through snapedit.h) ----

def snapshot_ids(db):
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT id FROM snapshots ORDER BY id")]
    finally:
        con.close()


def assert_mount_matches(m, src):
    """Every derived file of the mount agrees with stat and check of src."""
    js = stat_json(src)
    for key, val in js["totals"].items():
        want = int(val) if isinstance(val, bool) else val
        assert m.read("stats", key) == f"{want}\n", key
    for flag in FLAGS:
        assert m.read("stats", f"clusters_{flag}") == f"{js['clusters'][flag]}\n"
    rows = m.read("stats/orders").splitlines()[1:]
    for row, o in zip(rows, js["orders"]):
        assert int(row.split()[-1]) == o["allocatable"]
    assert m.read("findings/all").splitlines() == check_lines(src)


def test_rw_modes(sources, mnt, tmp_path):
    src = tmp_path / "rw.db"
    shutil.copy(sources["random"], src)
    with Mount(src, mnt, "-o", "rw") as m:
        mode = lambda rel: stat.S_IMODE(os.stat(m.path(rel)).st_mode)
        for rel in ("clusters/3/flags", "clusters/3/order", "clusters/3/slots/1600"):
            assert mode(rel) == 0o644, rel
        for rel in ("clusters/3/count", "clusters/3/map", "stats/slots_used",
                    "README", "edits", "device/max", "findings/all"):
            assert mode(rel) == 0o444, rel
            rc = write_value(m.path(rel), "1\n")
            assert rc == errno.EACCES, (rel, errno.errorcode.get(rc, rc))
        assert "mode: rw\n" in m.read("source")
        assert f"save: {os.path.realpath(src)}\n" in m.read("source")


def test_rw_cluster_edits_show_at_once_and_are_saved(sources, mnt, tmp_path):
    src = tmp_path / "rw.db"
    shutil.copy(sources["random"], src)
    ids = snapshot_ids(src)
    with Mount(src, mnt, "-o", "rw") as m:
        old = m.read("clusters/3/flags")
        order = int(m.read("clusters/3/order"))
        new = "frag" if old != "frag\n" else "nonfull"
        frag_before = int(m.read("stats/clusters_frag"))
        assert write_value(m.path("clusters/3/flags"), f"{new}\n") == 0
        assert m.read("clusters/3/flags") == f"{new}\n"
        assert int(m.read("stats/clusters_frag")) == frag_before + \
            (1 if new == "frag" else -1)
        assert os.path.islink(m.path("lists", new, order, 3))
        assert not os.path.lexists(m.path("lists", old.strip(), order, 3))
        assert m.read("edits") == f"clusters/3/flags {new}\n"
        # closing the written file saved it: the file says what the mount says
        assert_mount_matches(m, src)
        # refused: nothing changes, nothing is journaled
        for rel, bad in [("clusters/3/flags", "bogus\n"), ("clusters/3/order", "99\n"),
                         ("clusters/3/slots/1600", "count=x\n"),
                         ("clusters/3/slots/1600", "colour=red\n")]:
            before = m.read(rel)
            assert write_value(m.path(rel), bad) == errno.EINVAL, (rel, bad)
            assert m.read(rel) == before
        assert m.read("edits") == f"clusters/3/flags {new}\n"
    # appended once (the mounted snapshot is never rewritten; later saves
    # of the session replace their own): test_mount_writes.py says more
    assert snapshot_ids(src) == ids + [ids[-1] + 1]
    with Mount(src, mnt) as m:
        assert m.read("clusters/3/flags") == f"{new}\n"


def test_rw_slot_edit_updates_derived_files(sources, mnt, tmp_path):
    src = tmp_path / "rw.db"
    shutil.copy(sources["random"], src)
    with Mount(src, mnt, "-o", "rw") as m:
        first = int(m.read("clusters/5/first_slot"))
        used = [o for o in range(first, first + 512)
                if m.read("clusters/5/slots", o).startswith("count=1 ")]
        slot = used[0]
        before = int(m.read("stats/slots_used"))
        cl_used = int(m.read("clusters/5/used"))
        assert write_value(m.path("clusters/5/slots", slot), "count=0\n") == 0
        assert m.read("clusters/5/slots", slot).startswith("count=0 cached=0 bad=0")
        assert int(m.read("stats/slots_used")) == before - 1
        assert int(m.read("clusters/5/used")) == cl_used - 1
        assert m.read("clusters/5/map").replace("\n", "")[slot - first] in ".!"
        assert m.read("edits").splitlines()[-1].startswith(f"clusters/5/slots/{slot} ")
        assert_mount_matches(m, src)


def test_rw_fsync_saves(sources, mnt, tmp_path):
    src = tmp_path / "rw.db"
    shutil.copy(sources["random"], src)
    with Mount(src, mnt, "-o", "rw") as m:
        fd = os.open(m.path("clusters/7/order"), os.O_WRONLY)
        try:
            order = 4 if m.read("clusters/7/order") != "4\n" else 2
            os.write(fd, f"{order}\n".encode())
            os.fsync(fd)
            # saved before the file is closed
            js = stat_json(src)
            assert sum(js["orders"][order]["clusters"].values()) == \
                int(m.read("orders", order, "nr_clusters"))
            assert os.path.islink(m.path("orders", order, "clusters/7"))
        finally:
            os.close(fd)


def test_rw_dump_saves_to_a_new_file(sources, mnt, tmp_path):
    dump = tmp_path / "dump"
    shutil.copytree(sources["planted"], dump)
    files = {p.name: p.read_bytes() for p in dump.iterdir()}
    out = tmp_path / "edited.db"
    p = run("mount", "-o", "rw", dump, mnt)
    assert p.returncode == 2 and "save=" in p.stderr
    with Mount(dump, mnt, "-o", f"rw,save={out}") as m:
        assert write_value(m.path("clusters/2/flags"), "discard\n") == 0
    assert {p.name: p.read_bytes() for p in dump.iterdir()} == files
    assert stat_json(out)["clusters"]["discard"] == 1
    with Mount(out, mnt) as m:
        assert m.read("clusters/2/flags") == "discard\n"


def test_rw_header_label_and_uuid(sources, mnt, tmp_path):
    img = mkswap(str(tmp_path / "swap.img"), "-L", "demo")
    with Mount(sources["planted"], mnt, "-o", "rw,save=" + str(tmp_path / "s.db"),
               "--header", img) as m:
        assert stat.S_IMODE(os.stat(m.path("header/label")).st_mode) == 0o644
        assert write_value(m.path("header/label"), "scratch\n") == 0
        assert m.read("header/label") == "scratch\n"
        assert write_value(m.path("header/label"), "x" * 17 + "\n") == errno.EINVAL
        assert write_value(m.path("header/uuid"), "not-a-uuid\n") == errno.EINVAL
        assert write_value(m.path("header/uuid"),
                           "9f3c2a1e-5b7d-4c88-a0e1-2f6b3d4c5e6f\n") == 0
        assert m.read("header/uuid") == "9f3c2a1e-5b7d-4c88-a0e1-2f6b3d4c5e6f\n"
        assert m.read("header/label") == "scratch\n"
        assert write_value(m.path("header/version"), "2\n") == errno.EACCES
    blkid = subprocess.run(["blkid", "-p", "-o", "export", img],
                           capture_output=True, text=True).stdout
    assert "LABEL=scratch" in blkid
    assert "UUID=9f3c2a1e-5b7d-4c88-a0e1-2f6b3d4c5e6f" in blkid


def test_rw_concurrent_writers_and_readers(sources, mnt, tmp_path):
    """4 writers flip the flags of their own cluster while 4 readers grep."""
    src = tmp_path / "rw.db"
    shutil.copy(sources["random"], src)
    with Mount(src, mnt, "-o", "rw") as m:
        stop = time.monotonic() + min(STRESS_SECONDS, 5)
        errors, writes = [], [0] * 4

        def writer(n):
            ci = 8 + n
            vals = ["frag\n", "nonfull\n"]
            while time.monotonic() < stop and not errors:
                rc = write_value(m.path("clusters", ci, "flags"), vals[writes[n] % 2])
                if rc:
                    errors.append(("write", ci, rc))
                writes[n] += 1

        def reader():
            # lists/ changes under a reader (an entry may be gone once
            # listed, as in /proc); these files are always there
            cmd = ["grep", "-r", ".", m.path("stats"), m.path("edits"),
                   *(m.path("clusters", 8 + n, "flags") for n in range(4))]
            while time.monotonic() < stop and not errors:
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode or p.stderr:
                    errors.append(("read", p.stderr[:300]))
                for flag in ("nonfull", "frag"):
                    os.listdir(m.path("lists", flag, 4))

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=reader) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[0]
        assert len(m.read("edits").splitlines()) == sum(writes)
        for n in range(4):
            assert m.read("clusters", 8 + n, "flags") == \
                ("frag\n" if writes[n] % 2 else "nonfull\n")
        assert_mount_matches(m, src)


def captured(tmp_path):
    """A snapshot with back-references as swapfs capture stores them: pid
    100 maps slots 8, 9, 10 at 0x7f000000.., pid 101 slot 8 (after a fork)."""
    src = tmp_path / "cap.db"
    run("import", FIXTURES / "dumps" / "era-E", "-o", src, check=0)
    db = sqlite3.connect(src)
    db.execute("INSERT INTO procs VALUES (1, 100, 'app', x'80e01f1000000000')")
    db.execute("INSERT INTO procs VALUES (1, 101, 'child', x'80e01f10')")
    db.commit()
    db.close()
    return src


def test_procs_and_slot_owners(mnt, tmp_path):
    src = captured(tmp_path)
    with Mount(src, mnt) as m:
        assert sorted(os.listdir(m.path("procs"))) == ["100", "101"]
        assert sorted(os.listdir(m.path("procs", 100))) == ["comm", "refs"]
        assert m.read("procs/100/comm") == "app\n"
        assert m.read("procs/101/comm") == "child\n"
        order = lambda slot: m.read("clusters/0/slots", slot).split(" order=")[1].split()[0]
        assert m.read("procs/100/refs") == (
            "vaddr slot order\n"
            f"0x7f000000 8 {order(8)}\n0x7f001000 9 {order(9)}\n0x7f002000 10 {order(10)}\n")
        assert m.read("procs/101/refs") == f"vaddr slot order\n0x7f000000 8 {order(8)}\n"
        assert m.read("clusters/0/slots/8").rstrip("\n").endswith(
            " owners=100:0x7f000000,101:0x7f000000")
        assert m.read("clusters/0/slots/10").rstrip("\n").endswith(" owners=100:0x7f002000")
        assert "owners=" not in m.read("clusters/0/slots/11")
        assert not os.path.exists(m.path("procs", 102))


def test_procs_empty_without_back_references(sources, mnt):
    with Mount(sources["random"], mnt) as m:
        assert os.listdir(m.path("procs")) == []
        assert "owners=" not in m.read("clusters/0/slots/1")


def test_rw_slot_line_with_owners_writes_back(mnt, tmp_path):
    src = captured(tmp_path)
    with Mount(src, mnt, "-o", "rw") as m:
        line = m.read("clusters/0/slots/8")
        # the line as read goes back unchanged: owners are carried, not edited
        assert write_value(m.path("clusters/0/slots/8"), line) == 0
        assert m.read("clusters/0/slots/8") == line
        changed = line.replace("101:", "102:")
        assert write_value(m.path("clusters/0/slots/8"), changed) == errno.EINVAL
        assert m.read("clusters/0/slots/8") == line


def test_rw_header_refusals(sources, mnt, tmp_path):
    """EBUSY and nothing written: an area changed since the mount read it,
    a hibernation image, an active swap area (as root)."""
    img = mkswap(str(tmp_path / "swap.img"), "-L", "demo")
    with Mount(sources["planted"], mnt, "-o", "rw,save=" + str(tmp_path / "s.db"),
               "--header", img) as m:
        assert m.read("header/label") == "demo\n"
        subprocess.run(["swaplabel", "-L", "other", img], check=True)
        before = Path(img).read_bytes()[:4096]
        assert write_value(m.path("header/label"), "mine\n") == errno.EBUSY
        assert Path(img).read_bytes()[:4096] == before
        # refused once; the mount shows the area as it is now
        assert m.read("header/label") == "other\n"
        assert write_value(m.path("header/label"), "mine\n") == 0
        assert m.read("header/label") == "mine\n"

    hib = mkswap(str(tmp_path / "hib.img"))
    with open(hib, "r+b") as f:
        f.seek(4096 - 10)
        f.write(b"S1SUSPEND\0")
    before = Path(hib).read_bytes()[:4096]
    with Mount(sources["planted"], mnt, "-o", "rw,save=" + str(tmp_path / "s2.db"),
               "--header", hib) as m:
        assert write_value(m.path("header/label"), "x\n") == errno.EBUSY
    assert Path(hib).read_bytes()[:4096] == before

    if os.geteuid() != 0:
        return
    act = mkswap(str(tmp_path / "active.img"), "-L", "active")
    subprocess.run(["swapon", act], check=True)
    try:
        before = Path(act).read_bytes()[:4096]
        with Mount(sources["planted"], mnt, "-o", "rw,save=" + str(tmp_path / "s3.db"),
                   "--header", act) as m:
            assert write_value(m.path("header/label"), "x\n") == errno.EBUSY
            assert m.read("header/label") == "active\n"
        assert Path(act).read_bytes()[:4096] == before
    finally:
        subprocess.run(["swapoff", act], check=False)
