"""What the tests of swapfs diff share (test_diff.py, test_diff_live.py):
an independent reading of a dump and the recomputation of a diff from two.

Both states are exported as dumps (swapfs export), decoded here from the
bytes swapfs-dump(5) describes, and compared slot by slot in Python: the
changed clusters (struct or any slot), and in each the runs of slots that
changed the same way (kind before, kind after, attributes). `diff --json`
must list every changed cluster, with exactly those runs, and no other.
The findings added and removed must be the difference of the two states'
`check --json` lists; allocatable, totals and counters those of `stat`.
Nothing here shares code with swapfs's own diff.
"""
import collections
import functools
import json
import os

from conftest import run

ATTRS = ("count", "cached", "bad", "zero", "zswap", "shmem", "run")

# ---- an independent reading of a dump (swapfs-dump(5)) ----

class Dump:
    """A dump directory decoded into one state tuple per slot."""

    def __init__(self, path):
        self.path = path
        self.info = {}
        for line in self.text("info"):
            k, _, v = line.partition(":")
            self.info[k.strip()] = v.strip()
        self.era = self.info.get("era") or self.era_of(self.info["kernel"])
        self.max = int(self.info["max"])
        self.cs = int(self.info["cluster_size"])
        self.clusters = []
        for line in self.text("clusters"):
            i, count, flags, order = line.split()
            self.clusters.append((flags, int(order), int(count)))
        self.slots = self.decode()

    def text(self, name):
        p = os.path.join(self.path, name)
        if not os.path.exists(p):
            return []
        return [l for l in open(p).read().splitlines() if l and not l.startswith("#")]

    def bits(self, name):
        p = os.path.join(self.path, name)
        data = open(p, "rb").read() if os.path.exists(p) else b""
        return lambda i: bool(i // 8 < len(data) and data[i // 8] >> (i % 8) & 1)

    @staticmethod
    def era_of(kernel):
        major, minor = (int(x) for x in kernel.split(".")[:2])
        v = (major, minor)
        for era, upto in (("A", (6, 9)), ("B", (6, 11)), ("C", (6, 13)), ("D", (6, 17)),
                          ("E", (6, 19)), ("F", (7, 0))):
            if v <= upto:
                return era
        return "G"

    def discard_memset(self, ci):
        """Eras A..D (D before 6.15): a discard cluster's bytes are 0x3f, free."""
        if self.era not in "ABCD" or self.clusters[ci][0] != "discard":
            return False
        if self.era == "D":
            major, minor = (int(x) for x in self.info["kernel"].split(".")[:2])
            return (major, minor) < (6, 15)
        return True

    def decode(self):
        cont = {int(a): int(b) for a, b in (l.split() for l in self.text("continued"))}
        zero, zswap = self.bits("zeromap"), self.bits("zswap")
        runs = {}
        for line in self.text("orders"):
            off, order = (int(x) for x in line.split())
            for s in range(off, min(off + (1 << order), self.max)):
                runs[s] = (order, s == off)
        folio_cached = set()
        if self.era == "F":
            for line in self.text("cache"):
                off, order = (int(x) for x in line.split()[:2])
                folio_cached.update(range(off, off + (1 << order)))
        if self.era == "G":
            raw = open(os.path.join(self.path, "swap_table"), "rb").read()
            words = [int.from_bytes(raw[i * 8:i * 8 + 8], "little") for i in range(self.max)]
            base = [self.table_slot(w, cont.get(i)) for i, w in enumerate(words)]
        else:
            raw = open(os.path.join(self.path, "swap_map"), "rb").read()
            assert len(raw) == self.max
            base = [self.map_slot(b, cont.get(i)) for i, b in enumerate(raw)]
            for ci in range(len(self.clusters)):
                if self.discard_memset(ci):
                    for s in range(ci * self.cs, min((ci + 1) * self.cs, self.max)):
                        base[s] = (0, False, False, False)
        out = []
        for i, (count, cached, bad, shmem) in enumerate(base):
            if self.era == "F":
                cached = i in folio_cached
            out.append((count, cached, bad, zero(i), zswap(i), shmem, runs.get(i)))
        return out

    @staticmethod
    def table_slot(w, exact):
        """Era G: (count, cached, bad, shmem) of a swap table word."""
        if w == (~0 << 3) & (2 ** 64 - 1):
            return (0, False, True, False)
        count = w >> 60
        if count == 15:
            count = exact
        return (count, w & 3 == 2, False, False)

    def map_slot(self, b, exact):
        """Eras A..F: (count, cached, bad, shmem) of a swap_map byte."""
        cached = bool(b & 0x40) and self.era in "ABCDE"
        rest = b & ~0x40 if self.era in "ABCDE" else b
        if rest == 0xbf:
            return (1, cached, False, True)
        if rest == 0x3f:
            return (0, cached, True, False)
        if rest & 0x80:
            return (exact, cached, False, False)
        return (rest, cached, False, False)


def kind(st):
    count, cached, bad = st[0], st[1], st[2]
    return "bad" if bad else "used" if count else "cache-only" if cached else "free"


def changed_attrs(x, y):
    names = []
    for name, i in zip(ATTRS, (0, 1, 2, 3, 4, 5, 6)):
        if x[i] != y[i]:
            names.append(name)
    return ",".join(names)


def recompute(a, b):
    """{cluster: (a struct, b struct, slots changed, runs)} for every changed one."""
    assert (a.max, a.cs) == (b.max, b.cs)
    out = {}
    for ci in range(len(a.clusters)):
        first, end = ci * a.cs, min((ci + 1) * a.cs, a.max)
        runs, n = [], 0
        for s in range(first, end):
            x, y = a.slots[s], b.slots[s]
            if x == y:
                continue
            n += 1
            key = (kind(x), kind(y), changed_attrs(x, y))
            if runs and runs[-1]["last"] == s - 1 and runs[-1]["key"] == key:
                runs[-1]["last"] = s
            else:
                runs.append({"first": s, "last": s, "key": key})
        if n or a.clusters[ci] != b.clusters[ci]:
            out[ci] = (a.clusters[ci], b.clusters[ci], n,
                       [(r["first"], r["last"], *r["key"]) for r in runs])
    return out


def from_json(d):
    """The same shape, from one diff --json object."""
    out = {}
    for c in d["clusters"]:
        side = lambda s: (s["flags"], s["order"], s["count"])
        out[c["cluster"]] = (side(c["a"]), side(c["b"]), c["slots_changed"],
                             [(r["first"], r["last"], r["from"], r["to"], r["changed"])
                              for r in c["runs"]])
        for r in c["runs"]:
            assert r["nr"] == r["last"] - r["first"] + 1
    return out


def findings_key(f):
    return (f["check"], f["cluster"], f["offset"], f["nr"], f["order"], f["detail"])


@functools.lru_cache(maxsize=None)
def _check(src):
    p = run("check", "--json", src)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)["findings"]


def check_findings(src):
    """The findings of a dump or fixture (which never change: cached)."""
    return collections.Counter(findings_key(f) for f in _check(str(src)))


def assert_findings(d, a, b):
    fa, fb = check_findings(a), check_findings(b)
    got = {"added": collections.Counter(), "removed": collections.Counter()}
    for f in d["findings"]:
        got[f["change"]][findings_key(f)] += 1
    assert got["added"] == fb - fa
    assert got["removed"] == fa - fb
    assert d["summary"]["findings_added"] == sum((fb - fa).values())
    assert d["summary"]["findings_removed"] == sum((fa - fb).values())


@functools.lru_cache(maxsize=None)
def _stat(src, extra):
    return run("stat", "--json", *extra, src, check=0).stdout


def stat(src, *extra):
    """stat --json of a file that does not change (cached)."""
    return json.loads(_stat(str(src), tuple(map(str, extra))))


@functools.lru_cache(maxsize=None)
def dump(path):
    """Dump(path), read once."""
    return Dump(path)


def assert_orders(d, sa, sb):
    """Allocatable, clusters and totals as stat has them (of the dumps)."""
    for o in d["orders"]:
        k = o["order"]
        for side, st in (("a", sa), ("b", sb)):
            so = st["orders"][k]
            assert o["allocatable"][side] == so["allocatable"]
            assert o["clusters"][side] == sum(so["clusters"].values())
            assert o["runs"][side] == so["runs"]
    for key, v in d["totals"].items():
        assert v["a"] == sa["totals"][key] and v["b"] == sb["totals"][key], key


def assert_diff(d, dump_a, dump_b):
    """One diff --json object against the recomputation from two dumps."""
    want = recompute(dump(str(dump_a)), dump(str(dump_b)))
    assert from_json(d) == want
    assert d["summary"]["clusters_changed"] == len(want)
    assert d["summary"]["slots_changed"] == sum(v[2] for v in want.values())
    assert_findings(d, dump_a, dump_b)
    assert_orders(d, stat(dump_a), stat(dump_b))
    same = not want and not d["findings"]
    assert d["summary"]["same"] == same
    return want


def export(src, out, *extra):
    run("export", *extra, src, "-o", out, check=0)
    return out


# ---- a simulated time series ----
