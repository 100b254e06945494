"""swapfs mount -o rw: what writes do to the snapshot file and how the
tree refuses what it cannot do, on real mounts of the real binary.

A read-write mount never rewrites the snapshot it mounted: the edited
state is appended as a new snapshot (with a note of what changed), and
later saves of the same session replace only that one. Operations the
tree does not have answer as sysfs does, never ENOSYS, and the last
refusal is readable in the tree (refused) and in the daemon's log.
"""
import errno
import os
import re
import shutil
import sqlite3
import subprocess

import pytest

from conftest import FUSERMOUNT, SWAPFS, Mount, run

pytestmark = pytest.mark.skipif(
    not FUSERMOUNT or not os.path.exists("/dev/fuse"),
    reason="needs /dev/fuse and fusermount3")

TABLES = ["info", "clusters", "slots", "counts", "shmem", "folios", "runs",
          "next", "counters", "procs"]


@pytest.fixture(scope="module")
def random_db(tmp_path_factory):
    p = tmp_path_factory.mktemp("src") / "random.db"
    run("sim", "--builtin", "random:orders=0+2+4,fill=80,ops=20000",
        "--size", "64M", "-o", p, check=0)
    return p


@pytest.fixture
def db(random_db, tmp_path):
    p = tmp_path / "rw.db"
    shutil.copy(random_db, p)
    return p


@pytest.fixture
def mnt(tmp_path):
    return tmp_path / "mnt"


def query(db, sql, *args):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def rows_of(db, sid):
    """Every row a snapshot owns, in every table: what must never change."""
    out = {"snapshots": query(db, "SELECT * FROM snapshots WHERE id = ?", sid)}
    for t in TABLES:
        out[t] = query(db, f"SELECT * FROM {t} WHERE snapshot = ? ORDER BY 2", sid)
    return out


def ids(db):
    return [r[0] for r in query(db, "SELECT id FROM snapshots ORDER BY id")]


def note(db, sid):
    return query(db, "SELECT note FROM snapshots WHERE id = ?", sid)[0][0]


def write_value(path, value):
    """One write(2) of value, as echo does; returns the errno or 0."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    except OSError as e:
        return e.errno
    try:
        os.write(fd, value.encode())
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


def other_flags(m, ci):
    return "frag" if m.read(f"clusters/{ci}/flags") != "frag\n" else "nonfull"


# ---- issue 18 point 2: the mounted state is never destroyed ----

def test_rw_appends_and_never_rewrites_the_mounted_snapshot(db, mnt):
    before = rows_of(db, 1)
    assert ids(db) == [1]
    with Mount(db, mnt, "-o", "rw") as m:
        old3 = m.read("clusters/3/flags")
        new3 = other_flags(m, 3)
        assert write_value(m.path("clusters/3/flags"), new3 + "\n") == 0
        # closing the file saved: a new snapshot, the mounted one intact
        assert ids(db) == [1, 2]
        assert rows_of(db, 1) == before
        assert "snapshot: 2\n" in m.read("source")
        order5 = 4 if m.read("clusters/5/order") != "4\n" else 2
        assert write_value(m.path("clusters/5/order"), f"{order5}\n") == 0
        # a later save of the session replaces its own snapshot only
        assert ids(db) == [1, 2]
        assert rows_of(db, 1) == before
    assert rows_of(db, 1) == before
    n = note(db, 2)
    assert re.search(r"; edited by swapfs \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ from snapshot 1: "
                     rf"2 edits in 2 clusters: clusters/3/flags {new3}, "
                     rf"clusters/5/order {order5}$", n), n
    assert n.startswith(note(db, 1) + "; ")
    with Mount(db, mnt, "-s", "1") as m:
        assert m.read("clusters/3/flags") == old3
    with Mount(db, mnt) as m:           # the last: the edited state
        assert m.read("clusters/3/flags") == new3 + "\n"
        assert m.read("clusters/5/order") == f"{order5}\n"
    # a second session edits the edited state: it appends again
    saved2 = rows_of(db, 2)
    with Mount(db, mnt, "-o", "rw") as m:
        assert write_value(m.path("clusters/3/flags"), old3) == 0
    assert ids(db) == [1, 2, 3]
    assert rows_of(db, 1) == before and rows_of(db, 2) == saved2
    n3 = note(db, 3)
    assert " from snapshot 2: 1 edit in 1 cluster: clusters/3/flags " in n3, n3
    assert n3.count("edited by swapfs") == 1, n3


def test_rw_of_an_earlier_snapshot_appends_at_the_end(db, mnt, tmp_path):
    run("sim", "--builtin", "random:orders=0+2+4,fill=80,ops=20000", "--size", "64M",
        "--seed", "2", "--append", "-o", db, check=0)
    assert ids(db) == [1, 2]
    kept = {1: rows_of(db, 1), 2: rows_of(db, 2)}
    with Mount(db, mnt, "-o", "rw", "-s", "1") as m:
        assert write_value(m.path("clusters/3/flags"), other_flags(m, 3)) == 0
    assert ids(db) == [1, 2, 3]
    assert {1: rows_of(db, 1), 2: rows_of(db, 2)} == kept
    assert " from snapshot 1: " in note(db, 3)


def test_rw_save_file_gets_the_new_snapshot(db, mnt, tmp_path):
    out = tmp_path / "out.db"
    before = rows_of(db, 1)
    with Mount(db, mnt, "-o", f"rw,save={out}") as m:
        assert write_value(m.path("clusters/3/flags"), other_flags(m, 3)) == 0
        assert write_value(m.path("clusters/4/flags"), other_flags(m, 4)) == 0
    assert ids(db) == [1] and rows_of(db, 1) == before
    assert ids(out) == [1]
    assert "from snapshot 1: 2 edits in 2 clusters" in note(out, 1)
