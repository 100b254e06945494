"""swapfs stat --format prometheus, read back by a real parser.

Debian's python3-prometheus-client (text_string_to_metric_families, the
parser of the format node_exporter's textfile collector reads) parses the
output; its values are held against `stat --json` of the same source:
- a dump in a directory whose name holds a quote, a backslash and a
  newline (label escaping), with a moving cluster;
- snapshot N of a simulator's time series (FILE@N);
- live: on a zram area of our own, the kernel's hugepages-*/stats counters
  too, each between the values sysfs had before and after (root, zram and
  the BPF reader; else those tests skip).
The parser is Debian's python3-prometheus-client: without it every test
skips.
"""
import json
import math
import os
import re
import shutil

import pytest

import kernelhost
from conftest import run

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:                     # pragma: no cover
    text_string_to_metric_families = None

pytestmark = pytest.mark.skipif(text_string_to_metric_families is None,
                                reason="python3-prometheus-client is not installed")

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures", "dumps")
THP = "/sys/kernel/mm/transparent_hugepage"
NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def parse(text):
    """{family name: family}; the format's own rules checked on the way."""
    fams = {}
    for f in text_string_to_metric_families(text):
        assert f.name not in fams, f"family {f.name} given twice"
        assert NAME.match(f.name) and f.name.startswith("swapfs_"), f.name
        assert f.documentation, f"{f.name} has no HELP"
        fams[f.name] = f
        for s in f.samples:
            if f.type == "counter":
                assert s.name == f.name + "_total", s.name
            else:
                assert not s.name.endswith("_total"), s.name
    # every family's samples together: a name never comes back later
    seen, last = set(), None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        name = line.split("{", 1)[0]
        if name != last:
            assert name not in seen, f"{name} samples are split"
            seen.add(name)
            last = name
    return fams


def values(fam, **want):
    """{frozenset(labels): value} of the samples whose labels include want."""
    return {frozenset(s.labels.items()): s.value for s in fam.samples
            if all(s.labels.get(k) == v for k, v in want.items())}


def one(fams, name, **labels):
    v = list(values(fams[name], **labels).values())
    assert len(v) == 1, (name, labels, v)
    return v[0]


def check_against_json(fams, st, area):
    """Every per-area value the JSON of stat also has."""
    t = st["totals"]
    assert one(fams, "swapfs_slots", area=area) == st["device"]["slots"]
    for k in ("used", "free", "bad", "cached", "cache_only", "zero", "zswap"):
        assert one(fams, f"swapfs_slots_{k}", area=area) == t[f"slots_{k}"], k
    assert one(fams, "swapfs_clusters_moving", area=area) == t["clusters_moving"]
    for o in st["orders"]:
        k = str(o["order"])
        for lst, n in o["clusters"].items():
            assert one(fams, "swapfs_clusters", area=area, order=k, list=lst) == n
        assert one(fams, "swapfs_allocatable_folios", area=area, order=k) == o["allocatable"]
    # clusters by list, over the orders, are the device's
    for lst, n in st["clusters"].items():
        got = sum(values(fams["swapfs_clusters"], area=area, list=lst).values())
        assert got == n, lst
    # free slots by order and list add up to the free slots
    assert sum(values(fams["swapfs_free_slots"], area=area).values()) == t["slots_free"]
    sev = {"error": 0, "warning": 0, "info": 0}
    for s in fams["swapfs_findings"].samples:
        assert s.labels["area"] == area
        assert s.value == st["findings"][s.labels["check"]], s
        sev[s.labels["severity"]] += s.value
    assert sev == {"error": st["findings"]["errors"], "warning": st["findings"]["warnings"],
                   "info": st["findings"]["info"]}


def test_prometheus_dump_escaped(tmp_path):
    """Label values escape what the format says; values match stat --json."""
    d = tmp_path / 'a "quoted" \\ dir\nwith a newline'
    shutil.copytree(os.path.join(FIXTURES, "era-E"), d)
    with open(d / "info", "a") as f:
        f.write("live_moving_clusters: 3\n")
    p = run("stat", "--format", "prometheus", d, check=0)
    assert "\n\n" not in p.stdout
    fams = parse(p.stdout)
    st = json.loads(run("stat", "--json", d, check=0).stdout)
    area = str(d)                           # the parser unescapes
    info = fams["swapfs_info"].samples[0].labels
    assert info == {"area": area, "source": area, "kind": "dump", "kernel": "6.18.2",
                    "era": "E", "method": ""}
    check_against_json(fams, st, area)
    assert one(fams, "swapfs_clusters_moving", area=area) == 1
    assert not any(n.startswith("swapfs_mthp_") for n in fams), "no kernel counters for a dump"
    assert run("stat", "--format", "json", d, check=0).stdout == run("stat", "-J", d).stdout


def test_prometheus_snapshot_at(tmp_path):
    """FILE@N: the series' snapshot N, the snapshot's time as a timestamp."""
    ts = tmp_path / "ts.db"
    # a few snapshots (the fill, then every 500 of 1500 operations): lean under ASan
    run("sim", "--builtin", "random:ops=1500", "--slots", "8192", "--every", "500", "-o", ts,
        check=0)
    fams = parse(run("stat", "--format", "prometheus", f"{ts}@2", check=0).stdout)
    st = json.loads(run("stat", "--json", "-s", "2", ts, check=0).stdout)
    assert st["source"]["snapshot"] == 2
    area = fams["swapfs_info"].samples[0].labels["area"]
    check_against_json(fams, st, area)
    created = one(fams, "swapfs_snapshot_timestamp_seconds", area=area)
    assert created > 1.6e9 and not math.isnan(created)


def test_prometheus_bad_format():
    p = run("stat", "--format", "xml", os.path.join(FIXTURES, "era-E"))
    assert p.returncode == 2 and "expected human, json or prometheus" in p.stderr


# ---- live: (root, zram, BPF) ----

def sysfs_stats():
    out = {}
    for d in sorted(os.listdir(THP)):
        sd = os.path.join(THP, d, "stats")
        if d.startswith("hugepages-") and os.path.isdir(sd):
            for n in os.listdir(sd):
                out[(d[len("hugepages-"):], n)] = int(open(os.path.join(sd, n)).read())
    return out


@pytest.mark.skipif(kernelhost.why_not(live=True) is not None,
                    reason=kernelhost.why_not(live=True) or "")
def test_prometheus_live(tmp_path):
    kr = kernelhost.driver()
    with kernelhost.own_host() as h:
        kernelhost.only_mthp(h, 64)
        dev, _ = kr.zram_up(h, "16M", None)
        node = f"/dev/{dev}"
        before = sysfs_stats()
        p = run("stat", "--format", "prometheus", f"live:{node}", check=0)
        after = sysfs_stats()
        fams = parse(p.stdout)
        assert fams["swapfs_info"].samples[0].labels["method"] in ("kallsyms", "fentry", "decode")
        st = json.loads(run("stat", "--json", f"live:{node}", check=0).stdout)
        check_against_json(fams, st, node)
        # every sysfs stats file, each a family of its own, between before and after
        seen = set()
        for (size, n), v0 in before.items():
            gauge = n.startswith("nr_")
            fam = fams[f"swapfs_mthp_{n}"]
            assert fam.type == ("gauge" if gauge else "counter"), n
            got = [s for s in fam.samples if s.labels["size"] == size]
            assert len(got) == 1, (n, size)
            assert "area" not in got[0].labels     # the machine's, not the area's
            if not gauge:
                assert v0 <= got[0].value <= after[(size, n)], (n, size)
            seen.add((size, n))
        assert seen and {"swpout", "swpout_fallback", "swpin", "zswpout"} <= {n for _, n in seen}
