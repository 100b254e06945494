"""A read-write mount under load, and a mount under valgrind.

Load: 16 readers and one writer on a read-write mount for 60 s
($SWAPFS_LOAD_SECONDS). The writer flips two clusters between two states
(their flags, and a slot's count), so the whole model is only ever in one
of four states; every file a reader reads must be, byte for byte, what it
is in one of them: a read sees the state before or after each write,
never a mix. The writer keeps its files open (edits without a save) and
reopens them every few writes (a save on each close). Afterwards the
saved snapshot must equal the journal (the mount's `edits`) replayed on a
copy of the original through a second mount.

valgrind: one mount session (listing, reading every kind of file, edits
and their save, unmount) under memcheck: no error, nothing definitely lost.
"""
import errno
import itertools
import os
import shutil
import threading
import time

import pytest

from conftest import FUSERMOUNT, SWAPFS, Mount, run

SECONDS = float(os.environ.get("SWAPFS_LOAD_SECONDS", "60"))
READERS = 16
SANITIZED = b"__asan_init" in open(SWAPFS, "rb").read() if os.path.exists(SWAPFS) else False

pytestmark = pytest.mark.skipif(not FUSERMOUNT or not os.path.exists("/dev/fuse"),
                                reason="needs /dev/fuse and fusermount3")

# cluster -> its two flags; slot -> its two counts
FLIPS = {"clusters/3/flags": ("nonfull\n", "frag\n"),
         "clusters/5/flags": ("nonfull\n", "full\n")}
WATCHED = ["clusters/3/flags", "clusters/5/flags", "stats/clusters_frag",
           "stats/clusters_full", "stats/clusters_nonfull", "stats/orders",
           "findings/all", "findings/list-mismatch", "clusters/3/findings",
           "clusters/5/map", "orders/0/allocatable"]


def states(m):
    """Every watched file's content in each of the four states."""
    seen = {rel: set() for rel in WATCHED}
    for combo in itertools.product(*FLIPS.values()):
        for rel, value in zip(FLIPS, combo):
            with open(m.path(rel), "w") as f:
                f.write(value)
        for rel in WATCHED:
            seen[rel].add(m.read(rel))
    return seen


def export(src, out):
    run("export", src, "-o", out, check=0)
    return {f.name: f.read_bytes() for f in out.iterdir()}


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "load.db"
    run("sim", "--builtin", "random:orders=0+2+4,fill=80,ops=20000", "--size", "64M",
        "-o", src, check=0)
    return src


def test_readers_and_a_writer(source, tmp_path):
    original = tmp_path / "original.db"
    shutil.copy(source, original)
    errors, reads, writes = [], [0] * READERS, [0]
    stop = threading.Event()
    with Mount(source, tmp_path / "mnt", "-o", "rw") as m:
        try:
            allowed = states(m)
            for rel in WATCHED[:2]:
                assert len(allowed[rel]) == 2, rel    # the flips do change things

            def reader(n):
                rels = itertools.cycle(WATCHED[n % len(WATCHED):] + WATCHED[:n % len(WATCHED)])
                while not stop.is_set():
                    rel = next(rels)
                    try:
                        text = m.read(rel)
                    except OSError as e:
                        errors.append(f"reader {n}: {rel}: {e}")
                        return
                    if text not in allowed[rel]:
                        errors.append(f"reader {n}: {rel}: a state that never was:\n{text[:400]}")
                        return
                    reads[n] += 1

            def writer():
                files = {}
                try:
                    for i in itertools.count():
                        if stop.is_set():
                            break
                        rel = list(FLIPS)[i % 2]
                        if rel not in files or i % 40 == 0:   # a save now and then
                            if rel in files:
                                os.close(files[rel])
                            files[rel] = os.open(m.path(rel), os.O_WRONLY)
                        value = FLIPS[rel][(i // 2) % 2].encode()
                        if os.pwrite(files[rel], value, 0) != len(value):
                            errors.append("writer: short write")
                            return
                        writes[0] += 1
                except OSError as e:
                    errors.append(f"writer: {e}")
                finally:
                    for fd in files.values():
                        os.close(fd)

            threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
            threads.append(threading.Thread(target=writer))
            for t in threads:
                t.start()
            time.sleep(SECONDS)
            stop.set()
            for t in threads:
                t.join(timeout=120)
            assert not errors, errors[:5]
            assert writes[0] > 100 and all(r > 10 for r in reads), (writes, reads)
            journal = m.read("edits").splitlines()
            assert len(journal) >= writes[0], (len(journal), writes[0])
        finally:
            stop.set()

    # the journal replayed on the original gives what was saved
    with Mount(original, tmp_path / "mnt2", "-o", "rw") as replay:
        fds = {}
        for line in journal:
            rel, value = line.split(" ", 1)
            if rel not in fds:
                fds[rel] = os.open(replay.path(rel), os.O_WRONLY)
            os.pwrite(fds[rel], (value + "\n").encode(), 0)
        for fd in fds.values():
            os.close(fd)
        assert replay.read("edits").splitlines() == journal
    assert export(source, tmp_path / "a") == export(original, tmp_path / "b")


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="needs valgrind")
@pytest.mark.skipif(SANITIZED, reason="valgrind and ASan do not mix")
def test_mount_session_under_valgrind(tmp_path):
    source = tmp_path / "small.db"
    run("sim", "--builtin", "random:orders=0+2+4,fill=80,ops=2000", "--size", "8M",
        "-o", source, check=0)
    log = tmp_path / "valgrind.log"
    wrap = ["valgrind", "--tool=memcheck", "--leak-check=full",
            "--errors-for-leak-kinds=definite", "--error-exitcode=99",
            "--track-fds=no", f"--log-file={log}"]
    with Mount(source, tmp_path / "mnt", "-o", "rw", wrap=wrap, timeout=300) as m:
        for root, dirs, files in os.walk(m.mnt):
            if "/slots" in root:
                continue        # a million files: one cluster's will do
            for f in files[:20]:
                p = os.path.join(root, f)
                if not os.path.islink(p):
                    open(p).read()
        for rel in ("clusters/1/slots/512", "clusters/1/slots/513", "procs",
                    "findings/all", "stats/orders", "cache"):
            p = m.path(rel)
            if os.path.isdir(p):
                os.listdir(p)
            else:
                open(p).read()
        with open(m.path("clusters/3/flags"), "w") as f:
            f.write("frag\n")
        with open(m.path("clusters/1/slots/513"), "w") as f:
            f.write("count=3\n")
        try:
            with open(m.path("clusters/3/order"), "w") as f:
                f.write("99\n")
        except OSError as e:
            assert e.errno == errno.EINVAL
        assert m.read("clusters/3/flags") == "frag\n"
    text = log.read_text()
    assert "ERROR SUMMARY: 0 errors" in text, text[-3000:]
    assert "definitely lost: 0 bytes" in text or "no leaks are possible" in text, text[-3000:]
