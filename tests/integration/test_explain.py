"""swapfs sim --explain and --trace, and the views of the reasons (issue 19).

The trace has one line per event, and its lines per order and reason are
the counts the snapshot stored; stat shows them as a table and in JSON,
the mount as orders/<k>/fallback_reasons; without --explain nothing of it
is stored or shown. A trace that cannot be written is an error naming
the file, and an existing one is replaced only when asked. Nothing here
swaps: the simulator only.
"""
import collections
import json
import os
import re

import pytest

from conftest import FUSERMOUNT, Mount, run

# 64 MiB at 99%: orders 2 and 4 fall back, order 0 steals from them
SPEC = "random:orders=0+2+4,fill=99,ops=20000"
LINE = re.compile(r"^(\d+) (\d+) (fallback|steal) ([a-z_]+) "
                  r"((?:[a-z_]+(?:\[\d+\])?(?::\d+)?)(?:,[a-z_]+(?:\[\d+\])?(?::\d+)?)*(?:,\.\.\.)?|-)$")


def stat(path, *extra):
    return json.loads(run("stat", "--json", *extra, path, check=0).stdout)


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    d = tmp_path_factory.mktemp("explain")
    db, trace = d / "x.db", d / "x.trace"
    run("sim", "--builtin", SPEC, "--size", "64M", "--every", 50000, "--trace", trace,
        "-o", db, check=0)
    return db, trace


def test_trace_lines_are_the_counts(explained):
    db, trace = explained
    lines = trace.read_text().splitlines()
    counted = collections.Counter()
    last = 0
    for ln in lines:
        m = LINE.match(ln)
        assert m, ln
        op, order, kind, reason = int(m[1]), int(m[2]), m[3], m[4]
        assert op >= last, ln           # in the order they happened
        last = op
        counted[(order, kind, reason)] += 1
        if kind == "fallback":
            # the newest tree's last step for a large folio: one frag cluster, or none
            assert order > 0 and reason.startswith("frag_"), ln
            assert re.search(r",frag_clusters\[%d\]:[01]$" % order, m[5]), ln
    st = stat(db)
    stored = collections.Counter()
    for c in st["counters"]:
        for r, n in c["fallback_reasons"].items():
            stored[(c["order"], "fallback", r)] = n
        for r, n in c["steals"].items():
            stored[(c["order"], "steal", r)] = n
        assert sum(c["fallback_reasons"].values()) == c["swpout_fallback"]
    assert counted == stored
    assert {k for (_, k, _) in counted} == {"fallback", "steal"}
    assert last <= st["source"]["step"]


def test_each_snapshot_has_the_events_up_to_its_step(explained):
    db, trace = explained
    first = stat(db, "-s", "1")
    step = first["source"]["step"]
    early = collections.Counter()
    for ln in trace.read_text().splitlines():
        op, order, kind, reason = ln.split()[:4]
        if kind == "fallback" and int(op) <= step:
            early[(int(order), reason)] += 1
    stored = {(c["order"], r): n for c in first["counters"]
              for r, n in c["fallback_reasons"].items()}
    assert early == stored


def test_stat_table_and_json(explained):
    db, _ = explained
    out = run("stat", db, check=0).stdout
    table = out[out.index("ORDER REASON"):]
    rows = [ln.split() for ln in table.splitlines()[1:] if ln.strip()]
    st = stat(db)
    for c in st["counters"]:
        for r, n in c["fallback_reasons"].items():
            share = f"{100.0 * n / c['swpout_fallback']:.2f}"
            assert [str(c["order"]), r, str(n), share] in rows
    assert "STOLEN_FROM" in out
    # per order, the largest first
    fb = [r for r in rows if len(r) == 4]
    for a, b in zip(fb, fb[1:]):
        assert int(a[0]) < int(b[0]) or int(a[2]) >= int(b[2])


def test_no_explain_records_and_shows_nothing(tmp_path):
    db = tmp_path / "plain.db"
    run("sim", "--builtin", SPEC, "--size", "64M", "-o", db, check=0)
    st = stat(db)
    assert any(c["swpout_fallback"] for c in st["counters"])
    assert all("fallback_reasons" not in c and "steals" not in c for c in st["counters"])
    out = run("stat", db, check=0).stdout
    assert "REASON" not in out and "STOLEN_FROM" not in out
    assert "--explain" not in st["source"]["note"]


@pytest.mark.skipif(FUSERMOUNT is None or not os.path.exists("/dev/fuse"),
                    reason="needs FUSE (fusermount3 and /dev/fuse)")
def test_mount_shows_fallback_reasons(explained, tmp_path):
    db, _ = explained
    st = stat(db)
    with Mount(db, tmp_path / "mnt") as m:
        for c in st["counters"]:
            text = m.read("orders", c["order"], "fallback_reasons")
            got = dict(ln.split() for ln in text.splitlines())
            assert {r: int(n) for r, n in got.items()} == c["fallback_reasons"]
        assert "fallback_reasons" in os.listdir(m.path("orders", 4))
        assert os.stat(m.path("orders", 4, "fallback_reasons")).st_mode & 0o222 == 0
    plain = tmp_path / "plain.db"
    run("sim", "--builtin", "selftest:rounds=2", "-o", plain, check=0)
    with Mount(plain, tmp_path / "mnt2") as m:
        assert "fallback_reasons" not in os.listdir(m.path("orders", 4))
        assert not os.path.exists(m.path("orders", 4, "fallback_reasons"))


def test_trace_file_refusals(explained, tmp_path):
    _, trace = explained
    before = trace.read_bytes()
    p = run("sim", "--builtin", "selftest:rounds=2", "--trace", trace,
            "-o", tmp_path / "a.db", check=2)
    assert str(trace) in p.stderr and "--force" in p.stderr
    assert trace.read_bytes() == before and not (tmp_path / "a.db").exists()
    # a trace that cannot be written: the error names it, exit 3
    db = tmp_path / "b.db"
    run("sim", "--builtin", "selftest:rounds=2", "-o", db, check=0)
    p = run("sim", "--builtin", SPEC, "--from", db, "-a", "--trace", "/dev/full",
            "-o", db, check=3)
    assert "/dev/full" in p.stderr and "No space left on device" in p.stderr
    # -f replaces it, leaving no temporary beside it
    t = tmp_path / "t"
    t.write_text("old\n")
    run("sim", "--builtin", SPEC, "--size", "64M", "--trace", t, "-f",
        "-o", tmp_path / "c.db", check=0)
    assert t.read_text() != "old\n" and LINE.match(t.read_text().splitlines()[0])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("t")) == ["t"]
