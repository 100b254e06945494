"""Malformed snapshot files: each refused with its rule, in bounded memory.

The dump corpus (tests/fixtures/bad-dumps, test_snapshot.py), the workload
corpus (tests/fixtures/workloads/bad, test_sim.py) and the header corpus
(test_header_corpus.py) are checked where they live; here the snapshot
file gets its own: a good file made by `swapfs import`, then one rule
broken per case with sqlite3 (or by cutting bytes off): truncated files,
a wrong schema, contradictory rows, huge claimed sizes. Every case must
give exit 3, a message naming the file and the rule in brackets, nothing
on stdout, under a 512 MiB address-space limit (a claimed 2^32 slots must
be refused before it is allocated), and must leave the file as it was.
"""
import hashlib
import os
import resource
import sqlite3
import subprocess

import pytest

from conftest import SWAPFS, run

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
SANITIZED = "asan" in SWAPFS
ERA_G = os.path.join(FIXTURES, "dumps", "era-G")


def sql(*stmts):
    def apply(db):
        for s in stmts:
            db.execute(s)
    return apply


# case: (mutation, rule). A mutation is SQL run on the file, ("cut", n)
# bytes (or a share) kept, or ("replace", bytes).
CASES = {
    "truncated-header": (("cut", 50), "source-kind"),
    "truncated-half": (("cut", 0.5), "snap-sqlite"),
    "truncated-page": (("cut", 4096), "snap-sqlite"),
    # not swapfs's application id: not taken for a snapshot file at all
    "app-id": (sql("PRAGMA application_id = 1"), "source-kind"),
    "schema-version": (sql("PRAGMA user_version = 99"), "snap-version"),
    "table-missing": (sql("DROP TABLE runs"), "snap-schema"),
    "column-missing": (sql("ALTER TABLE folios RENAME COLUMN flags TO flagz"), "snap-schema"),
    "no-snapshot": (sql("DELETE FROM snapshots"), "snap-no-snapshot"),
    "max-huge": (sql("UPDATE snapshots SET max = 4294967295"), "snap-info-mismatch"),
    # a huge device claimed consistently: refused by its missing rows,
    # before anything of its size is allocated
    "max-huge-consistent": (sql("UPDATE snapshots SET max = 4294967295",
                                "UPDATE info SET value = '4294967295' WHERE key = 'max'"),
                            "snap-cluster-rows"),
    "max-zero": (sql("UPDATE snapshots SET max = 0"), "snap-max"),
    "page-size": (sql("UPDATE snapshots SET page_size = 1000"), "snap-page-size"),
    "cluster-size": (sql("UPDATE snapshots SET cluster_size = 3"), "snap-cluster-size"),
    "nr-orders": (sql("UPDATE snapshots SET nr_orders = 99"), "snap-nr-orders"),
    "era": (sql("UPDATE snapshots SET era = 'Z'"), "snap-era"),
    "source-kind": (sql("UPDATE snapshots SET source_kind = ''"), "snap-source-kind"),
    "files": (sql("UPDATE snapshots SET files = 'bogus'"), "snap-files"),
    "cluster-flags": (sql("UPDATE clusters SET flags = 'bogus' WHERE idx = 1"),
                      "snap-cluster-flags"),
    "cluster-order": (sql("UPDATE clusters SET ord = 99 WHERE idx = 1"), "snap-cluster-order"),
    "cluster-count": (sql("UPDATE clusters SET count = 70000 WHERE idx = 1"),
                      "snap-cluster-count"),
    "cluster-row-missing": (sql("DELETE FROM clusters WHERE idx = 2"), "snap-cluster-rows"),
    "cluster-row-extra": (sql("INSERT INTO clusters VALUES (1, 999, 0, 'free', 0)"), "snap-cluster-rows"),
    "slots-size": (sql("UPDATE slots SET data = x'0102' WHERE cluster = 1"), "snap-slots-size"),
    "slots-row-missing": (sql("DELETE FROM slots WHERE cluster = 3"), "snap-slots-rows"),
    "slots-cluster": (sql("UPDATE slots SET cluster = 999 WHERE cluster = 3"), "snap-slots-cluster"),
    "runs-size": (sql("UPDATE runs SET data = x'010203' WHERE cluster = 1"), "snap-run-size"),
    "runs-overlap": (sql("UPDATE runs SET data = x'0400000042000000' WHERE cluster = 2"),
                     "snap-run-overlap"),
    "runs-range": (sql("UPDATE runs SET data = x'ffffffff' WHERE cluster = 1"), "snap-run-order"),
    "counts-slot": (sql("INSERT INTO counts VALUES (1, 4294967295, 5)"), "snap-counts-slot"),
    "counts-value": (sql("UPDATE counts SET count = -1"), "snap-counts-value"),
    "counts-missing": (sql("DELETE FROM counts"), "snap-count-missing"),
    # rows read before the words they mark when `check` streams the file
    "counts-word": (sql("INSERT INTO counts VALUES (1, 25, 200)"), "snap-counts-word"),
    "shmem-era": (sql("INSERT INTO shmem VALUES (1, 24)"), "snap-shmem-era"),
    "folio-order": (sql("UPDATE folios SET ord = 99 WHERE offset = 21"), "snap-folio-order"),
    "folio-range": (sql("INSERT INTO folios VALUES (1, 4294967295, 0, '')"), "snap-folio-range"),
    "folio-overlap": (sql("INSERT INTO folios VALUES (1, 20, 2, '')"), "snap-folio-overlap"),
    "folio-flags": (sql("UPDATE folios SET flags = 'BAD FLAG' WHERE offset = 22"),
                    "snap-folio-flags"),
    "info-duplicate": (sql("INSERT INTO info VALUES (1, 999, 'max', '4096')"), "snap-info-pos"),
    "info-mismatch": (sql("UPDATE info SET value = '8192' WHERE key = 'max'"), "snap-info-mismatch"),
    "next-order": (sql("UPDATE next SET ord = 99 WHERE pos = 0"), "snap-next-order"),
    "next-offset": (sql("UPDATE next SET offset = 4294967295 WHERE pos = 0"), "snap-next-offset"),
    "counter-name": (sql("INSERT INTO counters VALUES (1, 4, 'BAD NAME', 1)"), "snap-counter-name"),
    "counter-order": (sql("INSERT INTO counters VALUES (1, 99, 'swpout', 1)"), "snap-counter-order"),
    "proc-pid": (sql("INSERT INTO procs VALUES (1, 0, 'init', x'0000')"), "snap-proc-pid"),
    "proc-comm": (sql("INSERT INTO procs VALUES (1, 7, 'a-name-of-twenty-bytes', x'0000')"),
                  "snap-proc-comm"),
    "proc-refs-cut": (sql("INSERT INTO procs VALUES (1, 7, 'x', x'0080')"), "snap-proc-refs"),
    "proc-refs-slot": (sql("INSERT INTO procs VALUES (1, 7, 'x', x'00feffffff0f')"),
                       "snap-proc-refs"),
    "proc-refs-type": (sql("INSERT INTO procs VALUES (1, 7, 'x', 12)"), "snap-type"),
    "not-sqlite": (("replace", b"this is not a database\n" * 100), "source-kind"),
    "empty": (("replace", b""), "source-kind"),
}


def limit_memory():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "good.db"
    run("import", ERA_G, "-o", path, check=0)
    return path.read_bytes()


def make_case(good, tmp_path, mutation):
    path = tmp_path / "bad.db"
    path.write_bytes(good)
    if isinstance(mutation, tuple) and mutation[0] == "cut":
        n = mutation[1]
        size = len(good)
        path.write_bytes(good[:int(size * n) if isinstance(n, float) else n])
    elif isinstance(mutation, tuple) and mutation[0] == "replace":
        path.write_bytes(mutation[1])
    else:
        db = sqlite3.connect(path)
        mutation(db)
        db.commit()
        db.close()
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_snapshot_file(good, tmp_path, case):
    mutation, rule = CASES[case]
    path = make_case(good, tmp_path, mutation)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    # check reads the state; stat also the counters
    cmds = [["stat", "--json", path]] if case.startswith("counter") else \
        [["check", path], ["stat", "--json", path]]
    for cmd in cmds:
        p = subprocess.run([SWAPFS, *map(str, cmd)], capture_output=True, text=True,
                           preexec_fn=limit_memory)
        assert p.returncode == 3, (case, cmd[0], p.returncode, p.stderr)
        assert p.stdout == ""
        assert str(path) in p.stderr or "bad.db" in p.stderr, p.stderr
        assert f"[{rule}]" in p.stderr, (case, p.stderr)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the file was changed"


def test_corpus_size():
    """The malformed inputs across every parser: at least 100."""
    dumps = [d for d in os.listdir(os.path.join(FIXTURES, "bad-dumps"))
             if os.path.isdir(os.path.join(FIXTURES, "bad-dumps", d))]
    workloads = os.listdir(os.path.join(FIXTURES, "workloads", "bad"))
    assert len(dumps) + len(workloads) + len(CASES) >= 100
