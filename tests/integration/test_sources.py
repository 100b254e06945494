"""What SRC names, and what a live read leaves in the model.

- FILE@N is snapshot N of a snapshot file wherever a source is taken
  (stat, check, export, import, mount, sim --from, swapview), with clear
  errors: a number that is not one, a snapshot the file does not hold, a
  --snapshot that disagrees; a file whose name has an '@' is still itself.
- A moving cluster (live_moving_clusters: the kernel changed it all the
  time it was read) has no findings: a count-mismatch planted in it is
  reported without the key and not with it; stat and check say how many;
  the list survives import and export; a bad list is refused [info-moving].
No root needed: the sources are made with the simulator and the fixtures.
"""
import json
import os
import shutil
import subprocess

import pytest

from conftest import SWAPFS, Mount, run

HERE = os.path.dirname(os.path.abspath(__file__))
ERA_E = os.path.join(HERE, "..", "fixtures", "dumps", "era-E")


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    ts = tmp_path_factory.mktemp("series") / "ts.db"
    run("sim", "--builtin", "random", "--slots", "8192", "--every", "2000", "-o", ts, check=0)
    return ts


def snap_id(src, *args):
    return json.loads(run("stat", "--json", *args, src, check=0).stdout)["source"]["snapshot"]


def test_at_n_everywhere(series, tmp_path):
    ids = [snap_id(f"{series}@{n}") for n in (1, 2, 3)]
    assert ids == [1, 2, 3]
    assert snap_id(series) > 3                               # the last by default
    assert snap_id(f"{series}@2", "-s", "2") == 2            # agreeing is fine
    a = json.loads(run("check", "--json", f"{series}@2").stdout)
    b = json.loads(run("check", "--json", "-s", "2", series).stdout)
    assert a["summary"].pop("source") == f"{series}@2"
    b["summary"].pop("source")
    assert a == b
    run("export", f"{series}@2", "-o", tmp_path / "d2", check=0)
    run("export", series, "-s", "2", "-o", tmp_path / "d2b", check=0)
    for f in os.listdir(tmp_path / "d2"):
        assert open(tmp_path / "d2" / f, "rb").read() == open(tmp_path / "d2b" / f, "rb").read()
    run("import", f"{series}@3", "-o", tmp_path / "three.db", check=0)
    st = json.loads(run("stat", "--json", tmp_path / "three.db", check=0).stdout)
    assert st["totals"] == json.loads(run("stat", "--json", f"{series}@3").stdout)["totals"]
    run("sim", "--builtin", "random", "--slots", "8192", "--from", f"{series}@1",
        "-o", tmp_path / "cont.db", check=0)
    # a dump has one snapshot: @1
    assert run("stat", f"{tmp_path / 'd2'}@1").returncode == 0
    p = run("stat", f"{tmp_path / 'd2'}@2")
    assert p.returncode == 3 and "no snapshot 2" in p.stderr


def test_at_n_errors(series, tmp_path):
    for bad in ("x", "", "0", "-1", "1.5", "99999999999999999999"):
        p = run("stat", f"{series}@{bad}")
        assert p.returncode == 3, bad
        assert "not a snapshot number" in p.stderr and "[source-snapshot-id]" in p.stderr, p.stderr
    p = run("stat", f"{series}@9999")
    assert p.returncode == 3 and "no snapshot 9999" in p.stderr
    p = run("stat", "-s", "1", f"{series}@2")
    assert p.returncode == 2 and "names snapshot 2, --snapshot 1 another" in p.stderr
    p = run("stat", f"{tmp_path / 'missing.db'}@1")
    assert p.returncode == 3 and "missing.db: No such file" in p.stderr
    # a file that really has an '@' in its name is that file
    odd = tmp_path / "odd@2"
    shutil.copy(series, odd)
    assert snap_id(odd) == snap_id(series)
    assert snap_id(f"{odd}@1") == 1


def test_at_n_mount(series, tmp_path):
    if not shutil.which("fusermount3") or not os.path.exists("/dev/fuse"):
        pytest.skip("no FUSE here")
    with Mount(f"{series}@2", tmp_path / "mnt") as m:
        assert "snapshot: 2\n" in m.read("source")
        totals = json.loads(run("stat", "--json", f"{series}@2").stdout)["totals"]
        assert m.read("stats", "slots_used").strip() == str(totals["slots_used"])
    # read-write: edits of snapshot 2 are saved into the file, not a new "FILE@2"
    rw = tmp_path / "rw.db"
    shutil.copy(series, rw)
    with Mount(f"{rw}@2", tmp_path / "mnt2", "-o", "rw") as m:
        src = m.read("source")
        assert "snapshot: 2\n" in src and f"save: {rw}\n" in src, src
    assert not os.path.exists(f"{rw}@2")


def test_at_n_swapview_opens_it(series):
    swapview = os.environ.get("SWAPVIEW")
    if not swapview or not shutil.which("tmux"):
        pytest.skip("no swapview or tmux")
    p = subprocess.run([swapview, f"{series}@x"], capture_output=True, text=True)
    assert p.returncode != 0 and "not a snapshot number" in p.stderr


def moving_dump(tmp_path, key=None):
    d = tmp_path / "dump"
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(ERA_E, d)
    lines = open(d / "clusters").read().splitlines()
    assert lines[3] == "3 32 frag 4"
    lines[3] = "3 31 frag 4"                  # a count that disagrees with its slots
    open(d / "clusters", "w").write("\n".join(lines) + "\n")
    if key is not None:
        with open(d / "info", "a") as f:
            f.write(f"live_moving_clusters: {key}\n")
    return d


def test_moving_cluster_has_no_findings(tmp_path):
    d = moving_dump(tmp_path)
    p = run("check", d)
    assert p.returncode == 1 and "count-mismatch cluster=3" in p.stdout
    d = moving_dump(tmp_path, "3")
    p = run("check", d)
    assert p.returncode == 0 and "cluster=3 " not in p.stdout, p.stdout
    assert "1 clusters changed while read" in p.stderr
    j = json.loads(run("check", "--json", d).stdout)
    assert j["summary"]["clusters_moving"] == 1 and j["summary"]["errors"] == 0
    st = run("stat", d, check=0).stdout
    assert "Moving:       1 clusters" in st
    sj = json.loads(run("stat", "--json", d, check=0).stdout)
    assert sj["totals"]["clusters_moving"] == 1
    assert sj["findings"]["count-mismatch"] == 0
    # the summaries stay: the cluster's slots are counted as they are
    plain = json.loads(run("stat", "--json", moving_dump(tmp_path / "x"), check=0).stdout)
    assert sj["totals"]["slots_used"] == plain["totals"]["slots_used"]
    # kept through a snapshot file and back
    d = moving_dump(tmp_path, "2-3 5")
    run("import", d, "-o", tmp_path / "m.db", check=0)
    assert run("check", tmp_path / "m.db").returncode == 0
    run("export", tmp_path / "m.db", "-o", tmp_path / "back", check=0)
    assert "live_moving_clusters: 2-3 5\n" in open(tmp_path / "back" / "info").read()


@pytest.mark.parametrize("key,why", [
    ("3 2", "not in increasing order"),
    ("3-3", "expected cluster numbers"),
    ("a", "expected cluster numbers"),
    ("3  4", "expected cluster numbers"),
    ("8", "cluster 8 is past the last one (7)"),
    ("1-9", "cluster 8 is past the last one (7)"),
])
def test_moving_key_refused(tmp_path, key, why):
    p = run("check", moving_dump(tmp_path, key))
    assert p.returncode == 3 and why in p.stderr and "[info-moving]" in p.stderr, p.stderr
