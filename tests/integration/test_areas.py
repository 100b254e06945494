"""Several swap areas read at one moment (issue 19, part 3): a snapshot
file's groups (consecutive snapshots, info keys area and areas), written by
import and read by stat and check. The groups are made from dumps given
the keys; test_areas_live.py makes them from the running kernel."""
import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run


def sim_dump(tmp, name, size, seed, spec):
    """A dump of a simulated device (swapfs sim, then export)."""
    db = tmp / (name + ".db")
    run("sim", "--builtin", spec, "--size", size, "--seed", seed, "-o", db, check=0)
    out = tmp / name
    run("export", db, "-o", out, check=0)
    return out


def with_keys(src, dst, **keys):
    """A copy of dump src whose info has these keys (replaced or added)."""
    shutil.copytree(src, dst)
    info = dst / "info"
    lines = [ln for ln in info.read_text().splitlines()
             if ln.split(":")[0] not in keys]
    lines += [f"{k}: {v}" for k, v in keys.items()]
    info.write_text("\n".join(lines) + "\n")
    return dst


@pytest.fixture(scope="module")
def dumps(tmp_path_factory):
    """Area 0 (8M, prio 10) and area 1 (4M, prio 5) of a group of two, and
    area 0 of a group of three."""
    tmp = tmp_path_factory.mktemp("areas")
    big = sim_dump(tmp, "big", "8M", 1, "random:orders=0+2,fill=60")
    small = sim_dump(tmp, "small", "4M", 2, "random:orders=0,fill=30")
    return {
        "a0": with_keys(big, tmp / "a0", area=0, areas=2, type=1, prio=10,
                        path="/dev/zram8"),
        "a1": with_keys(small, tmp / "a1", area=1, areas=2, type=0, prio=5,
                        path="/dev/zram9"),
        "a1big": with_keys(big, tmp / "a1big", area=1, areas=2, type=0, prio=5),
        "three": with_keys(big, tmp / "three", area=0, areas=3),
        "plain": big,
    }


def nr_snapshots(db):
    import sqlite3
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM snapshots").fetchone()[0]


def group_file(dumps, path, groups=1):
    run("import", dumps["a0"], "-o", path, check=0)
    run("import", "--append", dumps["a1"], "-o", path, check=0)
    for _ in range(groups - 1):
        run("import", "--append", dumps["a0"], "-o", path, check=0)
        run("import", "--append", dumps["a1"], "-o", path, check=0)
    return path


def test_append_compares_each_area_with_its_own(dumps, tmp_path):
    """Area 1 (4M) after area 0 (8M) of its group: one area per position,
    each compared with the last of its position, not with the last."""
    g = group_file(dumps, tmp_path / "g.db", groups=2)
    assert nr_snapshots(g) == 4
    run("import", "--append", dumps["a0"], "-o", g, check=0)
    p = run("import", "--append", dumps["a1big"], "-o", g, check=3)
    assert "slot count is 2048, snapshot 4's is 1024" in p.stderr
    assert "[snap-series]" in p.stderr
    assert nr_snapshots(g) == 5


@pytest.mark.parametrize("first,then,words", [
    ("a0", "a0", "it is area 0, snapshot 1 area 0 of 2"),
    ("a0", "three", "it is one of 3 areas, snapshot 1 one of 2"),
    ("a0", "plain", "it is one of 1 areas, snapshot 1 one of 2"),
    ("plain", "a1", "it is one of 2 areas, snapshot 1 one of 1"),
])
def test_append_refuses_an_area_out_of_place(dumps, tmp_path, first, then, words):
    g = tmp_path / "g.db"
    run("import", dumps[first], "-o", g, check=0)
    p = run("import", "--append", dumps[then], "-o", g, check=3)
    assert words in p.stderr and "[snap-area]" in p.stderr
    assert nr_snapshots(g) == 1


def test_a_file_starts_with_area_0(dumps, tmp_path):
    p = run("import", dumps["a1"], "-o", tmp_path / "g.db", check=3)
    assert "a group starts with area 0 [snap-area]" in p.stderr
    assert not (tmp_path / "g.db").exists()


def test_import_copies_the_whole_group(dumps, tmp_path):
    """import FILE@N takes the group N is in, whichever member N is."""
    g = group_file(dumps, tmp_path / "g.db", groups=2)
    for member in (1, 2):
        out = tmp_path / f"copy{member}.db"
        run("import", f"{g}@{member}", "-o", out, check=0)
        assert nr_snapshots(out) == 2
        run("export", f"{out}@2", "-o", tmp_path / f"x{member}", check=0)
        info = (tmp_path / f"x{member}" / "info").read_text()
        assert "area: 1\n" in info and "areas: 2\n" in info and "/dev/zram9" in info


def test_an_incomplete_group_is_refused(dumps, tmp_path):
    g = group_file(dumps, tmp_path / "g.db")
    run("import", "--append", dumps["a0"], "-o", g, check=0)
    p = run("import", g, "-o", tmp_path / "x.db", check=3)
    assert ("snapshot 3 is area 0 of 2, but there is no snapshot 4 for area 1"
            in p.stderr) and "[source-area-group]" in p.stderr
    # a group of one whose member says otherwise: snapshot 2 edited
    import sqlite3
    with sqlite3.connect(g) as c:
        c.execute("UPDATE info SET value = '0' WHERE snapshot = 2 AND key = 'area'")
    p = run("import", f"{g}@1", "-o", tmp_path / "y.db", check=3)
    assert "snapshot 2: area 0 of 2, where the group of snapshot 1" in p.stderr


# ---- stat ----

def stat_json(*args):
    return json.loads(run("stat", "-J", *args, check=0).stdout)


def test_stat_json_holds_each_area_as_read_alone(dumps, tmp_path):
    g = group_file(dumps, tmp_path / "g.db", groups=2)
    doc = stat_json(g)
    assert list(doc) == ["areas"] and len(doc["areas"]) == 2
    # the last group: snapshots 3 and 4, whichever member is named
    assert stat_json(f"{g}@3") == doc
    for i, area in enumerate(doc["areas"]):
        assert area["source"]["snapshot"] == 3 + i
        assert area["info"]["area"] == str(i) and area["info"]["areas"] == "2"
        # --area i is that area's document, as stat has always printed one
        assert stat_json("--area", i, g) == area
        alone = stat_json(dumps[f"a{i}"])
        for key in ("device", "totals", "clusters", "findings", "orders"):
            assert area[key] == alone[key], key
    assert doc["areas"][0]["device"]["slots"] == 2048
    assert doc["areas"][1]["device"]["slots"] == 1024


def test_stat_table_of_the_areas(dumps, tmp_path):
    import sqlite3
    g = group_file(dumps, tmp_path / "g.db")
    with sqlite3.connect(g) as c:	# a simulator's counters, on area 1 only
        c.executemany("INSERT INTO counters VALUES (2, ?, 'swpout_fallback', ?)",
                      [(2, 5), (4, 7)])
    out = run("stat", "--bytes", g, check=0).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["AREA", "NAME", "TYPE", "SIZE", "USED", "PRIO", "FALLBACK"]
    used = [a["totals"]["slots_used"] * 4096 for a in stat_json(g)["areas"]]
    assert lines[1].split() == ["0", "/dev/zram8", "partition", str(2047 * 4096),
                                str(used[0]), "10"]
    assert lines[2].split() == ["1", "/dev/zram9", "partition", str(1023 * 4096),
                                str(used[1]), "5", "12"]
    assert "\nArea 0 of 2: /dev/zram8 (type 1, prio 10, snapshot 1)\n" in out
    assert "\nArea 1 of 2: /dev/zram9 (type 0, prio 5, snapshot 2)\n" in out
    one = run("stat", "--bytes", "--area", 1, g, check=0).stdout
    assert out.endswith(one)


def test_stat_of_one_area_is_as_ever(dumps, tmp_path):
    """No table, no "areas" key: a source of one area prints as before."""
    g = tmp_path / "one.db"
    run("import", dumps["plain"], "-o", g, check=0)
    doc = stat_json(g)
    assert "areas" not in doc and doc["device"]["slots"] == 2048
    assert run("stat", g, check=0).stdout.startswith("Source:")
    assert stat_json("--area", 0, g) == doc


def test_stat_area_refusals(dumps, tmp_path):
    g = group_file(dumps, tmp_path / "g.db")
    p = run("stat", "--area", 2, g, check=2)
    assert "holds 2 areas (0 to 1); there is no area 2" in p.stderr
    p = run("stat", "--format", "prometheus", g, check=2)
    assert "name it with --area" in p.stderr
    assert run("stat", "-o", "ORDER", g, check=2).stderr
    assert "swapfs_" in run("stat", "--format", "prometheus", "--area", 1, g, check=0).stdout
    assert run("stat", "--area", 32, g, check=2).stderr


# ---- check ----

FINDINGS = Path(__file__).resolve().parent.parent / "fixtures" / "findings"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A group whose area 0 is clean and area 1 has two errors."""
    tmp = tmp_path_factory.mktemp("mixed")
    g = tmp / "g.db"
    run("import", with_keys(FINDINGS / "clean", tmp / "c", area=0, areas=2, prio=3),
        "-o", g, check=0)
    run("import", "--append", with_keys(FINDINGS / "count-mismatch", tmp / "m",
                                        area=1, areas=2, prio=-2), "-o", g, check=0)
    return g


def test_check_exits_with_the_worst_area(mixed):
    p = run("check", mixed, check=1)
    alone = [run("check", "--area", i, mixed).stdout for i in (0, 1)]
    assert run("check", "--area", 0, mixed, check=0)
    assert run("check", "--area", 1, mixed, check=1)
    assert p.stdout.startswith("AREA ")
    head0 = p.stdout.index("\nArea 0 of 2: ")
    head1 = p.stdout.index("\nArea 1 of 2: ")
    assert p.stdout[head1:].split("\n", 2)[2] == alone[1]
    assert p.stdout[head0:head1].split("\n", 2)[2] == alone[0]
    assert (FINDINGS / "count-mismatch" / "expected").read_text() in alone[1]


def test_check_json_of_the_areas(mixed):
    doc = json.loads(run("check", "-J", mixed, check=1).stdout)
    assert list(doc) == ["areas"] and len(doc["areas"]) == 2
    for i, area in enumerate(doc["areas"]):
        alone = json.loads(run("check", "-J", "--area", i, mixed).stdout)
        assert area == alone
    assert doc["areas"][0]["summary"]["errors"] == 0
    assert doc["areas"][1]["summary"]["errors"] == 2


def test_check_of_one_area_is_as_ever(dumps, tmp_path):
    g = tmp_path / "one.db"
    run("import", FINDINGS / "count-mismatch", "-o", g, check=0)
    p = run("check", g, check=1)
    assert p.stdout == run("check", FINDINGS / "count-mismatch", check=1).stdout
    assert run("check", "--area", 0, g, check=1).stdout == p.stdout
    assert "holds 1 area (0 to 0)" in run("check", "--area", 1, g, check=2).stderr


# ---- swapview ----

def test_swapview_a_and_A_switch_areas(dumps, tmp_path):
    import test_swapview as tv
    if tv.TMUX is None:
        pytest.skip("tmux is not installed")
    g = group_file(dumps, tmp_path / "g.db", groups=2)
    s = tv.Screen(tmp_path, 160, 30)
    try:
        text = s.view(g)
        # the last group's area 1 (snapshot 4) opens; 1024 slots
        assert "[area 1/2 /dev/zram9 prio 5]" in text and "[snapshot 4, 4 of 4]" in text
        assert " 1024 slots" in text
        text = s.press("a", lambda t: "[area 0/2 /dev/zram8 prio 10]" in t)
        assert "[snapshot 3, 3 of 4]" in text and " 2048 slots" in text
        assert s.message().strip() == "area 0/2 /dev/zram8 prio 10"
        s.press("A", lambda t: "[area 1/2 /dev/zram9 prio 5]" in t)
        # t/T: the same area of the group before
        text = s.press("T", lambda t: "[snapshot 2, 2 of 4]" in t)
        assert "[area 1/2 /dev/zram9 prio 5]" in text
        s.press("T", lambda t: "this is the first snapshot" in t)
    finally:
        s.kill()
    one = tv.Screen(tmp_path, 160, 30)
    try:
        text = one.view(dumps["plain"])
        assert "[area" not in text
        one.press("a", lambda t: "has one swap area" in t)
    finally:
        one.kill()


# ---- the mount ----

FUSERMOUNT = shutil.which("fusermount3")
needs_fuse = pytest.mark.skipif(not FUSERMOUNT or not os.path.exists("/dev/fuse"),
                                reason="needs /dev/fuse and fusermount3")


def contents(root, skip=("source", "edits", "refused", "README", "areas")):
    """relpath -> file content or link target, of one area's tree."""
    out = {}
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = [x for x in dirs if x != "slots"]   # clusters/<i>/map says them
        if rel == ".":
            dirs[:] = [x for x in dirs if x not in skip]
            files = [f for f in files if f not in skip]
        for name in files:
            p = os.path.join(d, name)
            r = os.path.normpath(os.path.join(rel, name))
            out[r] = os.readlink(p) if os.path.islink(p) else open(p).read()
    return out


@contextlib.contextmanager
def mounted(src, mnt):
    mnt.mkdir()
    run("mount", src, mnt, check=0)
    try:
        yield mnt
    finally:
        subprocess.run([FUSERMOUNT, "-u", str(mnt)], check=True)


@needs_fuse
def test_mount_areas_n_is_each_area_as_mounted_alone(dumps, tmp_path):
    g = group_file(dumps, tmp_path / "g.db")
    with mounted(g, tmp_path / "m") as m:
        assert sorted(os.listdir(m / "areas")) == ["0", "1"]
        assert (m / "device" / "area").read_text() == "0\n"
        assert os.stat(m / "areas" / "1").st_ino != os.stat(m).st_ino
        trees = [contents(m / "areas" / str(i)) for i in (0, 1)]
        assert contents(m) == trees[0]
        assert trees[1]["device/path"] == "/dev/zram9\n"
        assert not (m / "areas" / "1" / "areas").exists()
        assert "snapshot: 2\n" in (m / "areas" / "1" / "source").read_text()
        # a link in areas/1/ stays in area 1's tree
        lists = m / "areas" / "1" / "lists" / "free"
        for name in os.listdir(lists):
            assert os.path.realpath(lists / name).startswith(str(m / "areas" / "1") + "/")
        for i in (0, 1):
            with mounted(dumps[f"a{i}"], tmp_path / f"alone{i}") as alone:
                assert trees[i] == contents(alone), i
    with mounted(dumps["plain"], tmp_path / "one") as one:
        assert not (one / "areas").exists() and "areas" not in os.listdir(one)
    p = run("mount", "-o", "rw", g, tmp_path / "m", check=2)
    assert "-o rw edits one" in p.stderr
