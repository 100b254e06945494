"""`swapfs import` of a dump as a stream (dump_stream(), issue 18 point 12).

A dump imported into a new file is read a chunk of slots (2^20) at a time
across its files while the snapshot file's writer stores the clusters
behind it: the slot array is never whole in memory. What is written must
be what the whole reading writes, row for row; a dump that cannot stream
(text out of slot order) is read whole instead; a broken one is refused
with the error the whole reading names (rule, file, offset), leaving the
output as it was.
"""
import os
import re
import shutil
import sqlite3
import struct
import subprocess
from pathlib import Path

import pytest

from conftest import SWAPFS, run

SANITIZED = b"__asan_init" in Path(SWAPFS).read_bytes()
MKDUMP = Path(SWAPFS).resolve().parents[2] / "tools" / "bench" / "swapfs-mkdump"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD = sorted(p.name for p in (FIXTURES / "bad-dumps").iterdir() if p.is_dir())


def mkdump(path, slots, era):
    if not MKDUMP.exists():
        pytest.skip(f"{MKDUMP} is not built")
    subprocess.run([MKDUMP, "--slots", str(slots), "--era", era, path], check=True,
                   stdout=subprocess.DEVNULL)


def rows(db):
    """Every row of every table, as sqlite3's .dump has them, but the
    snapshots row's created time and source path (each import's own)."""
    con = sqlite3.connect(db)
    try:
        return [re.sub(r"^(INSERT INTO \"snapshots\" VALUES\(\d+),'[^']*','dump','[^']*'",
                       r"\1", r) for r in con.iterdump()]
    finally:
        con.close()


def peak_rss(*args):
    """Run swapfs; its exit status and peak RSS in bytes (wait4)."""
    p = subprocess.Popen([SWAPFS, *map(str, args)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    p.stderr.close()
    return os.waitstatus_to_exitcode(status), ru.ru_maxrss * 1024


@pytest.fixture(scope="module")
def g22(tmp_path_factory):
    """A 2^22-slot device in era G: 4 chunks, continued counts in each."""
    d = tmp_path_factory.mktemp("g22") / "dump"
    mkdump(d, 1 << 22, "G")
    return d


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A 2^25-slot device in era E (swap_map: 32 MiB): 32 chunks."""
    d = tmp_path_factory.mktemp("big") / "dump"
    mkdump(d, 1 << 25, "E")
    return d


@pytest.mark.skipif(SANITIZED, reason="ASan's shadow memory swamps the RSS")
def test_import_never_holds_the_slot_array(big, tmp_path):
    """Peak RSS below the slot array's 2 bytes a slot (64 MiB): the whole
    reading holds it all (89 MiB measured), the stream a window of 8 MiB."""
    rc, rss = peak_rss("import", big, "-o", tmp_path / "s.db")
    assert rc == 0
    assert rss < 2 * (1 << 25), f"peak RSS {rss >> 20} MiB"


def test_stream_writes_what_the_whole_reading_writes(g22, tmp_path):
    """Row for row the file the whole reading writes (`-s 1` reads the dump
    whole), and `export` gives back every file of the dump byte for byte."""
    src, a, b, out = g22, tmp_path / "a.db", tmp_path / "b.db", tmp_path / "out"
    run("import", src, "-o", a, check=0)
    run("import", "-s", "1", src, "-o", b, check=0)
    assert rows(a) == rows(b)
    run("export", a, "-o", out, check=0)
    for f in src.iterdir():
        assert (out / f.name).read_bytes() == f.read_bytes(), f.name


def test_text_out_of_slot_order_is_read_whole(tmp_path):
    """Orders and cache lines in reverse order cannot stream: the dump is
    read whole and gives the same file as the sorted one."""
    src, rev = tmp_path / "d", tmp_path / "rev"
    mkdump(src, 1 << 22, "F")       # era F: cache lines mark slots too
    shutil.copytree(src, rev)
    for name in ("orders", "cache"):
        lines = (rev / name).read_text().splitlines(keepends=True)
        (rev / name).write_text("".join(reversed(lines)))
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    run("import", src, "-o", a, check=0)
    run("import", rev, "-o", b, check=0)
    assert rows(a) == rows(b)


def test_error_in_a_later_chunk(g22, tmp_path):
    """A broken word in the fourth chunk: import says what check says, and
    the file it was to replace is left as it was, no temporary beside it."""
    src = tmp_path / "d"
    shutil.copytree(g22, src)
    snap = tmp_path / "s.db"
    run("import", src, "-o", snap, check=0)
    before = snap.read_bytes()
    slot = 3_500_000
    with open(src / "swap_table", "r+b") as f:
        f.seek(8 * slot)
        f.write(struct.pack("<Q", 4))   # the reserved pointer kind
    want = run("check", src, check=3).stderr
    assert f"byte {8 * slot}:" in want and "[table-kind]" in want
    p = run("import", "--force", src, "-o", snap, check=3)
    assert p.stderr == want
    # without --force the dump's error comes first, as it always has
    assert run("import", src, "-o", snap, check=3).stderr == want
    assert snap.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["d", "s.db"]


# Under ASan every third case: a process start costs 0.2 s there (CI's budget).
@pytest.mark.parametrize("case", BAD[::3] if SANITIZED else BAD)
def test_bad_dump_refused_with_its_rule(case, tmp_path):
    """Every dump of the malformed corpus: refused with its rule and place
    (the expect file test_snapshot.py holds check to), nothing written."""
    d = FIXTURES / "bad-dumps" / case
    rule, where = (d / "expect").read_text().splitlines()[:2]
    p = run("import", d, "-o", tmp_path / "s.db")
    assert p.returncode == 3, p.stderr
    assert f"[{rule}]" in p.stderr and where in p.stderr and str(d) in p.stderr, p.stderr
    assert not os.listdir(tmp_path)
