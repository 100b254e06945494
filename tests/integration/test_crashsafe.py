"""Crash safety: SIGKILL at every point of a save, and nothing is ever mixed.

strace's fault injection kills the real binary on entry to the k-th call
of a given system call (`-e inject=fsync:signal=KILL:when=k`), for every
call that changes state (open, write, sync, rename, unlink, close, ...)
and every k it reaches, so every point between two steps of a save is
tried, not a few random ones. Afterwards:

- a header edit (`swapfs label -L -U --undo`): the area holds the old
  label and UUID or the new ones, never one of each; the undo file is
  absent or whole, and when the area was changed it exists and `swapfs
  undo` puts back the original bytes exactly;
- a snapshot file being created (`swapfs sim -o`): no file or a whole one;
- a snapshot appended to a file (`swapfs sim -a`): the file opens and holds
  the old snapshots, or those and the new one, equal to an uninterrupted run's.
"""
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import threading
import time

import pytest

from conftest import SWAPFS, run, tool, wait_for_mount

MUTATING = ("openat", "write", "pwrite64", "fsync", "fdatasync", "rename",
            "renameat2", "unlink", "unlinkat", "close", "ftruncate")
OLD_UUID, NEW_UUID = "11111111-2222-3333-4444-555555555555", "66666666-7777-8888-9999-000000000000"
SIM = ["--builtin", "random:orders=0+4,fill=70,ops=2000", "--size", "4M"]

pytestmark = pytest.mark.skipif(shutil.which("strace") is None,
                                reason="needs strace (fault injection)")


def syscall_counts(argv, cwd=None):
    """How many times argv makes each mutating call, uninterrupted."""
    log = subprocess.run(["strace", "-f", "-qq", "-c", "-U", "name,calls", "-o", "/dev/stderr",
                          "-e", "trace=" + ",".join(MUTATING), *argv],
                         capture_output=True, text=True, cwd=cwd)
    counts = {}
    for line in log.stderr.splitlines():
        m = re.match(r"\s*(\w+)\s+(\d+)\s*$", line)
        if m and m.group(1) in MUTATING:
            counts[m.group(1)] = int(m.group(2))
    return counts


def kill_points(counts, per_call=12):
    """(syscall, k) pairs: every call for the rarer ones, evenly spread for the
    frequent ones (pwrite64 of a big file)."""
    points = []
    for name, n in sorted(counts.items()):
        ks = range(1, n + 1) if n <= per_call else \
            sorted({1 + i * (n - 1) // (per_call - 1) for i in range(per_call)})
        points += [(name, k) for k in ks]
    return points


def killed(argv, name, k):
    """Run argv, killed on entry to the k-th call of name. Returns the exit."""
    p = subprocess.run(["strace", "-f", "-qq", "-o", "/dev/null",
                        "-e", f"inject={name}:signal=KILL:when={k}", *argv],
                       capture_output=True, text=True)
    return p.returncode


def header_ids(img):
    out = json.loads(run("header", "--json", img, check=None).stdout)
    h = out["headers"][0] if "headers" in out else out[0] if isinstance(out, list) else out
    return h.get("label"), h.get("uuid")


def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_header_edit_killed_anywhere(tmp_path):
    img = tmp_path / "swap.img"
    with open(img, "wb") as f:
        f.write(b"\0" * (8 << 20))
    tool("mkswap", "-q", "-L", "old", "-U", OLD_UUID, img)
    original = img.read_bytes()
    undo = tmp_path / "undo"
    argv = [SWAPFS, "label", "-L", "new", "-U", NEW_UUID, "--undo", str(undo), str(img)]
    old_ids = header_ids(img)
    assert old_ids == ("old", OLD_UUID)
    # every call of every kind: the edit makes few
    points = kill_points(syscall_counts(argv), per_call=1000)
    assert len(points) >= 50, points
    seen = set()
    for name, k in points:
        img.write_bytes(original)
        if undo.exists():
            undo.unlink()
        rc = killed(argv, name, k)
        ids = header_ids(img)
        assert ids in (("old", OLD_UUID), ("new", NEW_UUID)), (name, k, ids)
        seen.add(ids)
        # never a torn undo file at its path: it is renamed in whole
        if undo.exists():
            text = undo.read_text()
            assert text.startswith("# swapfs undo file"), (name, k)
        if ids == ("new", NEW_UUID):
            assert undo.exists(), (name, k, "changed without an undo file")
            run("undo", undo, img, check=0)
            assert img.read_bytes() == original, (name, k)
        else:
            assert img.read_bytes() == original, (name, k, rc)
        # temporary files of a killed run are the only leftovers
        for f in tmp_path.iterdir():
            assert f.name in ("swap.img", "undo") or f.name.startswith("undo."), f
    # the kill points straddle the write: both outcomes happened
    assert seen == {("old", OLD_UUID), ("new", NEW_UUID)}


def last_snapshot(path):
    """The id of the file's last snapshot, as swapfs reads it (a hot journal
    left by a kill is rolled back first, by SQLite)."""
    return json.loads(run("stat", "--json", path, check=0).stdout)["source"]["snapshot"]


def state(path, sid):
    """The model of snapshot sid as an export's files (provenance aside)."""
    out = path.parent / f"export-{sid}"
    shutil.rmtree(out, ignore_errors=True)
    run("export", path, "--snapshot", sid, "-o", out, check=0)
    return {f.name: f.read_bytes() for f in out.iterdir()}


def test_snapshot_create_killed_anywhere(tmp_path):
    ref = tmp_path / "ref.db"
    run("sim", *SIM, "-o", ref, check=0)
    want = state(ref, 1)
    out = tmp_path / "out.db"
    argv = [SWAPFS, "sim", *SIM, "-o", str(out)]
    points = kill_points(syscall_counts(argv))
    assert len(points) >= 20
    outcomes = set()
    for name, k in points:
        if out.exists():
            out.unlink()
        killed(argv, name, k)
        if out.exists():
            assert last_snapshot(out) == 1, (name, k)
            assert state(out, 1) == want, (name, k)
        outcomes.add(out.exists())
    assert outcomes == {False, True}


def test_snapshot_append_killed_anywhere(tmp_path):
    base = tmp_path / "base.db"
    run("sim", *SIM, "-o", base, check=0)
    ref = tmp_path / "ref.db"
    shutil.copy(base, ref)
    run("sim", *SIM, "--seed", "2", "-a", "-o", ref, check=0)
    want_old, want_new = state(ref, 1), state(ref, 2)
    f = tmp_path / "f.db"
    argv = [SWAPFS, "sim", *SIM, "--seed", "2", "-a", "-o", str(f)]
    shutil.copy(base, f)
    points = kill_points(syscall_counts(argv))
    assert len(points) >= 20
    outcomes = set()
    for name, k in points:
        shutil.copy(base, f)
        for j in tmp_path.glob("f.db-journal"):
            j.unlink()
        killed(argv, name, k)
        last = last_snapshot(f)
        assert last in (1, 2), (name, k, last)
        assert state(f, 1) == want_old
        if last == 2:
            assert state(f, 2) == want_new, (name, k)
        outcomes.add(last)
    assert outcomes == {1, 2}


def mounted(src, mnt, *opts):
    """swapfs mount -f in the background, once the tree is there: a daemon
    to kill, so not a conftest.Mount, which unmounts it properly."""
    proc = subprocess.Popen([SWAPFS, "mount", "-f", *opts, str(src), str(mnt)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for_mount(proc, mnt)
    return proc


@pytest.mark.skipif(shutil.which("fusermount3") is None or not os.path.exists("/dev/fuse"),
                    reason="needs /dev/fuse and fusermount3")
def test_daemon_killed_while_saving(tmp_path):
    """SIGKILL to the mount's daemon while edits are saved (each close of a
    written file saves), at random moments, 50 times: the file always opens
    and holds the state before or after the save in progress."""
    src = tmp_path / "m.db"
    run("sim", *SIM, "-o", src, check=0)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    states = []
    for flags in ("frag", "full"):
        proc = mounted(src, mnt, "-o", "rw")
        with open(mnt / "clusters" / "1" / "flags", "w") as f:
            f.write(flags + "\n")
        subprocess.run(["fusermount3", "-u", mnt], check=True)
        proc.wait(timeout=30)
        states.append(state(src, 1))
    rng = random.Random(1)
    killed_mid_save = 0
    for i in range(50):
        proc = mounted(src, mnt, "-o", "rw")
        try:
            killed_mid_save += kill_while_saving(proc, mnt, tmp_path, rng)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
        assert state(src, 1) in states, i
    # some kills landed inside a transaction (a hot journal was left)
    assert killed_mid_save >= 1, "no kill hit a save: the test would not see a torn one"


def kill_while_saving(proc, mnt, tmp_path, rng):
    """One round: a writer saving edits, the daemon killed under it. Returns
    whether the kill left a hot journal (it hit a save)."""
    stop = threading.Event()

    def writer():
        n = 0
        while not stop.is_set():
            try:
                with open(mnt / "clusters" / "1" / "flags", "w") as f:
                    f.write(("frag", "full")[n % 2] + "\n")
            except OSError:
                return          # the daemon is gone
            n += 1
    t = threading.Thread(target=writer)
    t.start()
    time.sleep(rng.uniform(0.005, 0.15))
    proc.kill()
    proc.wait()
    stop.set()
    t.join(timeout=30)
    subprocess.run(["fusermount3", "-u", "-z", mnt], capture_output=True)
    journal = tmp_path / "m.db-journal"
    return journal.exists() and journal.stat().st_size > 0
