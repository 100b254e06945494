"""swapfs mount of a time series: series/<N>/diff and diff.json.

A simulated series of 20 snapshots is mounted; each series/<N>/diff and
diff.json must be byte for byte what `swapfs diff [--json] FILE@M FILE@N`
prints (M the snapshot before N; the text taken from one run of --series,
its operands renamed, and checked against the per-pair run at both ends),
their sizes what stat says, and reading
them all must load each snapshot at most twice (the daemon logs each load
with -f). The tree stays read-only there, with the tree's errnos.
"""
import concurrent.futures
import errno
import os
import re

import pytest

from conftest import FUSERMOUNT, Mount, run

pytestmark = pytest.mark.skipif(
    not FUSERMOUNT or not os.path.exists("/dev/fuse"),
    reason="needs /dev/fuse and fusermount3")

STEPS = 20


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """A 20-step series, and what swapfs diff prints for each step."""
    d = tmp_path_factory.mktemp("series")
    db = d / "s.db"
    run("sim", "--builtin", "fragment:orders=0+2+4,fill=80,holes=50,hole_order=0",
        "--slots", 8192, "--every", 75, "-o", db, check=0)
    # the text of each pair from one run of --series (each pair's lines,
    # its operands named FILE@N), the JSON from one run per pair: 20 runs
    # of swapfs, not 38 (under ASan most of a run is its start)
    text = run("diff", "--series", db, check=1).stdout
    pairs = re.split(r"(?m)^(?=--- )", text)[1:]
    assert len(pairs) == STEPS - 1

    def doc(n):
        return run("diff", "--json", f"{db}@{n - 1}", f"{db}@{n}", check=1).stdout

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        docs = list(pool.map(doc, range(2, STEPS + 1)))
    want = {}
    for n, pair, d in zip(range(2, STEPS + 1), pairs, docs):
        if n < STEPS:
            assert pair.endswith("\n\n")      # the blank line between pairs
            pair = pair[:-1]
        a, b, rest = pair.split("\n", 2)
        assert a.startswith(f"--- {db} snapshot {n - 1},"), a
        assert b.startswith(f"+++ {db} snapshot {n},"), b
        a = a.replace(f"--- {db} ", f"--- {db}@{n - 1} ", 1)
        b = b.replace(f"+++ {db} ", f"+++ {db}@{n} ", 1)
        want[n] = ("\n".join((a, b, rest)).encode(), d.encode())
    for n in (2, STEPS):        # which is what one pair's own run prints
        assert want[n][0] == run("diff", f"{db}@{n - 1}", f"{db}@{n}", check=1).stdout.encode()
    return db, want


def loads(stderr):
    """How many times the daemon loaded each snapshot (its -f log)."""
    got = {}
    for m in re.finditer(r"series: snapshot (\d+) loaded", stderr):
        got[int(m[1])] = got.get(int(m[1]), 0) + 1
    return got


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check_tree(m, want, order):
    """Every file equals the command's output, at the size stat gives."""
    assert os.listdir(m.path("series")) == [str(n) for n in range(1, STEPS + 1)]
    assert sorted(os.listdir(m.path("series", 1))) == ["diff", "diff.json"]
    # the first snapshot has nothing before it: none, the tree's empty file
    assert read(m.path("series", 1, "diff")) == b""
    assert read(m.path("series", 1, "diff.json")) == b""
    for n in order:
        for i, name in enumerate(("diff", "diff.json")):
            p = m.path("series", n, name)
            data = read(p)
            assert data == want[n][i], (n, name)
            assert os.stat(p).st_size == len(data)


def test_series_diffs_equal_the_command(series, tmp_path):
    """Read-only: each diff is the command's, in order then backwards; no
    snapshot is loaded more than twice; writes are EROFS."""
    db, want = series
    with Mount(db, tmp_path / "mnt") as m:
        check_tree(m, want, range(2, STEPS + 1))
        assert not os.path.exists(m.path("series", STEPS + 1))
        assert not os.path.exists(m.path("series", 0))
        assert not os.path.exists(m.path("series", "01"))
        for op in (lambda: open(m.path("series", 2, "diff"), "w"),
                   lambda: open(m.path("series", 2, "new"), "w"),
                   lambda: os.mkdir(m.path("series", "21"))):
            with pytest.raises(OSError) as e:
                op()
            assert e.value.errno == errno.EROFS
    got = loads(m.stderr)
    assert sorted(got) == list(range(1, STEPS + 1)), m.stderr
    assert max(got.values()) <= 2, got


def test_series_on_a_read_write_mount(series, tmp_path):
    """Read-write: nothing cached by the kernel, every read reaches the
    daemon; backwards then forwards still loads each snapshot at most
    twice. The files are not writable: EACCES, new names EACCES/EPERM."""
    db, want = series
    with Mount(f"{db}@5", tmp_path / "mnt", "-o", "rw",
               "-o", f"save={tmp_path / 'saved.db'}") as m:
        check_tree(m, want, range(STEPS, 1, -1))
        check_tree(m, want, range(2, STEPS + 1))
        # (the last diff: its two snapshots are still loaded)
        for op, err in ((lambda: open(m.path("series", 20, "diff"), "w"), errno.EACCES),
                        (lambda: open(m.path("series", 20, "new"), "w"), errno.EACCES),
                        (lambda: os.mkdir(m.path("series", "21")), errno.EPERM),
                        (lambda: os.unlink(m.path("series", 20, "diff")), errno.EPERM)):
            with pytest.raises(OSError) as e:
                op()
            assert e.value.errno == err
        assert "series/20/diff: unlink" in m.read("refused")   # the last refusal
    got = loads(m.stderr)
    assert sorted(got) == list(range(1, STEPS + 1)), m.stderr
    assert max(got.values()) <= 2, got


def test_no_series_for_one_state(series, tmp_path):
    """A file of one snapshot and a dump have no series/."""
    db, _ = series
    one = tmp_path / "one.db"
    run("export", db, "-s", 3, "-o", tmp_path / "dump", check=0)
    run("import", tmp_path / "dump", "-o", one, check=0)
    for src in (one, tmp_path / "dump"):
        with Mount(src, tmp_path / "mnt") as m:
            assert "series" not in os.listdir(m.path())
            assert not os.path.exists(m.path("series"))
