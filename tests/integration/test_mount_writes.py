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

from conftest import FUSERMOUNT, SWAPFS, Mount, write_value, run

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


# ---- issue 18 point 8: refusals as sysfs gives them, and their reason ----

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (E[A-Z]+) (.*)\n$")


def refused(m):
    """The tree's last refusal as (errno name, rest), or None."""
    text = m.read("refused")
    if not text:
        return None
    hit = LINE.match(text)
    assert hit, text
    return hit.group(1), hit.group(2)


def fails(fn, *args):
    try:
        fn(*args)
    except OSError as e:
        return e.errno
    return 0


def test_tree_refuses_as_sysfs_does(db, mnt):
    """What sysfs says (measured on this kernel as root, /sys/kernel/mm/swap):
    a new file EACCES, mkdir/rm/rmdir/mv/ln EPERM, a missing file ENOENT."""
    with Mount(db, mnt, "-o", "rw") as m:
        assert m.read("refused") == ""
        p = m.path
        flags = m.read("clusters/3/flags")
        cases = [
            (lambda: open(p("new"), "w"), errno.EACCES, "new: create"),
            (lambda: os.mknod(p("clusters/3/fifo"), 0o600 | 0o010000), errno.EACCES,
             "clusters/3/fifo: mknod"),
            (lambda: open(p("clusters/3/slots/99999"), "w"), errno.EACCES,
             "clusters/3/slots/99999: create"),
            (lambda: os.mkdir(p("clusters/new")), errno.EPERM, "clusters/new: mkdir"),
            (lambda: os.unlink(p("clusters/3/flags")), errno.EPERM, "clusters/3/flags: unlink"),
            (lambda: os.rmdir(p("clusters/3")), errno.EPERM, "clusters/3: rmdir"),
            (lambda: os.rename(p("README"), p("R")), errno.EPERM, "README: rename"),
            (lambda: os.symlink("x", p("stats/l")), errno.EPERM, "stats/l: symlink"),
            (lambda: os.link(p("README"), p("stats/h")), errno.EPERM, "stats/h: link"),
            (lambda: os.chmod(p("clusters/3/flags"), 0o600), errno.EPERM,
             "clusters/3/flags: owner and mode"),
            (lambda: open(p("README"), "w"), errno.EACCES, "README: not a writable file"),
            (lambda: os.truncate(p("clusters/3/flags"), 0), errno.EPERM,
             "clusters/3/flags: truncate"),
        ]
        for fn, want, why in cases:
            got = fails(fn)
            assert got == want, (why, errno.errorcode.get(got, got))
            name, rest = refused(m)
            assert name == errno.errorcode[want] and rest.startswith(why), (why, name, rest)
        # without O_CREAT a missing file is just missing, as in sysfs
        assert fails(os.open, p("clusters/3/slots/99999"), os.O_WRONLY) == errno.ENOENT
        # touch(1) of a writable file changes nothing and succeeds, as sysfs
        os.utime(p("clusters/3/flags"))
        assert m.read("clusters/3/flags") == flags
        # a refused value: the rule, in the tree and in the log
        assert write_value(p("clusters/3/flags"), "bogus\n") == errno.EINVAL
        name, rest = refused(m)
        assert name == "EINVAL" and rest.startswith("clusters/3/flags: 'bogus'"), rest
        assert m.read("edits") == "" and m.read("clusters/3/flags") == flags
    for why in ("new: create", "clusters/new: mkdir", "clusters/3/flags: truncate",
                "clusters/3/flags: 'bogus'"):
        assert re.search(rf"refused \(E[A-Z]+\): {re.escape(why)}", m.stderr), (why, m.stderr)
    assert ids(db) == [1]       # nothing was edited: nothing saved


def test_truncate_is_refused_and_echo_still_writes(db, mnt):
    with Mount(db, mnt, "-o", "rw") as m:
        new = other_flags(m, 3)
        before = m.read("clusters/3/flags")
        p = subprocess.run(["truncate", "-s0", m.path("clusters/3/flags")],
                           capture_output=True, text=True)
        assert p.returncode != 0 and "not permitted" in p.stderr, p
        assert m.read("clusters/3/flags") == before
        # a shell's > (open with O_TRUNC, then one write) is the way to edit
        p = subprocess.run(["sh", "-c", f"echo {new} > {m.path('clusters/3/flags')}"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert m.read("clusters/3/flags") == f"{new}\n"
        assert refused(m)[0] == "EPERM"     # the truncate stays the last refusal


def test_read_only_mount_refuses_with_erofs(random_db, mnt):
    with Mount(random_db, mnt) as m:
        p = m.path
        for fn in (lambda: open(p("new"), "w"), lambda: os.mkdir(p("d")),
                   lambda: os.unlink(p("README")), lambda: open(p("clusters/3/flags"), "w"),
                   lambda: os.truncate(p("clusters/3/flags"), 0)):
            assert fails(fn) == errno.EROFS


# The daemonized mount in a mount namespace of its own, whose /dev/log is
# this script's socket: what the daemon sends to syslog, without touching
# the machine's /dev.
SYSLOG_SCRIPT = r"""
import json, os, socket, subprocess, sys, time
swapfs, db, mnt, tmp = sys.argv[1:5]
old = os.path.join(tmp, "olddev")
os.mkdir(old)
subprocess.run(["mount", "--bind", "/dev", old], check=True)
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", "/dev"], check=True)
for n in ("null", "fuse", "zero", "urandom"):
    open("/dev/" + n, "w").close()
    subprocess.run(["mount", "--bind", os.path.join(old, n), "/dev/" + n], check=True)
log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
log.bind("/dev/log")
log.settimeout(10)
out = {}
try:
    subprocess.run([swapfs, "mount", "-o", "rw", db, mnt], check=True)
    try:
        fd = os.open(os.path.join(mnt, "clusters/3/flags"), os.O_WRONLY | os.O_TRUNC)
        os.write(fd, b"bogus\n")
    except OSError as e:
        out["errno"] = e.errno
    os.close(fd)
    with open(os.path.join(mnt, "refused")) as f:
        out["refused"] = f.read()
    out["log"] = log.recv(4096).decode()
finally:
    subprocess.run(["fusermount3", "-u", mnt])
    print(json.dumps(out))
"""


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="needs root and unshare(1) for a private /dev/log")
def test_daemon_logs_refusals_to_syslog(db, mnt, tmp_path):
    mnt.mkdir()
    p = subprocess.run(["unshare", "-m", "--propagation", "private", "/usr/bin/python3",
                        "-c", SYSLOG_SCRIPT, SWAPFS, str(db), str(mnt), str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = __import__("json").loads(p.stdout.splitlines()[-1])
    assert out["errno"] == errno.EINVAL
    assert re.match(r"\d{4}-\S+Z EINVAL clusters/3/flags: 'bogus'", out["refused"])
    # <priority>timestamp swapfs[pid]: ... (LOG_DAEMON | LOG_NOTICE = 29)
    assert re.match(r"<29>.*swapfs\[\d+\]: swapfs: .* refused \(EINVAL\): "
                    r"clusters/3/flags: 'bogus'", out["log"]), out["log"]
    assert not os.path.ismount(mnt)
