"""swapview, the ncurses browser, driven through tmux.

Each test runs the real swapview binary ($SWAPVIEW, set by meson) in a
tmux server of its own (a private socket, killed at the end), types keys
with send-keys and reads the screen with capture-pane: plain text for the
glyphs, -e (SGR escapes) where an attribute is the point (the cursor, the
dimmed orders, colour or none).

The devices are dumps planned here slot by slot (swapfs-dump(5), era E)
with findings planted in known clusters; what `swapfs check --json` says
of them is the truth the screen is compared with, cell by cell. They are
written to the test's temporary directory, not to tests/fixtures/dumps
(whose every folder test_snapshot.py takes for an era fixture).

Glyphs and geometry, as swapview(8) documents them: the map's lines start
with the index of their first cluster, right-aligned in a gutter of
len(str(nr_clusters - 1)) columns and a blank; the legend says how many
clusters a cell shows and how many cells a line holds.
"""
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import run

SWAPVIEW = os.environ.get("SWAPVIEW") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "src", "view", "swapview")
TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
SANITIZED = os.path.exists(SWAPVIEW) and b"__asan_init" in Path(SWAPVIEW).read_bytes()
TIMEOUT = 30 if SANITIZED else 10

CHECKS = ["misaligned", "count-mismatch", "list-mismatch", "bad-in-use",
          "orphan-cache", "mixed-backing", "mixed-order", "partial-block",
          "cache-only"]
HIGHLIGHT_ASCII = dict(zip(CHECKS, "MCLBOZXpc"))
HIGHLIGHT_UTF8 = dict(zip(CHECKS, "\u25c6\u2260\u2262\u2717\u25cc\u25d1\u259e\u25d4\u25cb"))
STATE_ASCII = {"none": "=", "free": ".", "nonfull": "-", "frag": ":",
               "full": "#", "discard": "~"}
STATE_UTF8 = {"none": "\u25aa", "free": "\u00b7", "nonfull": "\u2584",
              "frag": "\u2592", "full": "\u2588", "discard": "\u2591"}
# a scaled cell shows its worst state: the higher, the worse
STATE_RANK = {"free": 0, "discard": 1, "none": 2, "full": 3, "nonfull": 4,
              "frag": 5}
MIN_COLS, MIN_LINES = 60, 15


# ---- devices with planted findings ----

class Device:
    """A swap device of era E (kernel 6.18: swap_map bytes), slot by slot."""

    def __init__(self, nr_clusters, cs=16):
        self.cs, self.max = cs, nr_clusters * cs
        self.nr_clusters = nr_clusters
        self.count = bytearray(self.max)
        self.cached = bytearray(self.max)
        self.bad = bytearray(self.max)
        self.zswap = bytearray(self.max)
        self.bad[0] = 1                         # the header
        self.order = [0] * nr_clusters
        self.flags = [None] * nr_clusters       # None: from the count
        self.ci_count = [None] * nr_clusters    # None: the slots' count
        self.runs, self.folios = [], []

    def use(self, first, n=1, cached=False):
        for i in range(first, first + n):
            self.count[i] = 1
            self.cached[i] = cached

    def run(self, first, order, cached=False):
        self.use(first, 1 << order, cached)
        self.runs.append((first, order))

    def folio(self, first, order, mark=True):
        for i in range(first, first + (1 << order)):
            self.cached[i] = mark
        self.folios.append((first, order))

    def base(self, ci):
        return ci * self.cs

    def nonfree(self, ci):
        s = self.base(ci)
        return sum(1 for i in range(s, s + self.cs)
                   if self.count[i] or self.cached[i] or self.bad[i])

    def flag(self, ci):
        if self.flags[ci]:
            return self.flags[ci]
        n = self.nonfree(ci)
        return "free" if n == 0 else "full" if n == self.cs else "nonfull"

    def write(self, d):
        d.mkdir()
        (d / "info").write_text(
            "format: swapfs-dump 1\nkernel: 6.18.44\npage_size: 4096\n"
            f"cluster_size: {self.cs}\nmax: {self.max}\n")
        (d / "swap_map").write_bytes(bytes(
            (0x3f if self.bad[i] else self.count[i]) | (0x40 if self.cached[i] else 0)
            for i in range(self.max)))
        lines = []
        for ci in range(self.nr_clusters):
            count = self.ci_count[ci]
            if count is None:
                count = self.nonfree(ci)
            lines.append(f"{ci} {count} {self.flag(ci)} {self.order[ci]}\n")
        (d / "clusters").write_text("".join(lines))
        if self.runs:
            (d / "orders").write_text("".join(f"{o} {k}\n" for o, k in sorted(self.runs)))
        if self.folios:
            (d / "cache").write_text("".join(f"{o} {k} uptodate\n"
                                             for o, k in sorted(self.folios)))
        if any(self.zswap):
            bits = bytearray((self.max + 7) // 8)
            for i in range(self.max):
                if self.zswap[i]:
                    bits[i >> 3] |= 1 << (i & 7)
            (d / "zswap").write_bytes(bytes(bits))
        return d


def plant(dev, extra=False):
    """Every check once at least, in known clusters; the rest plain."""
    b = dev.base
    dev.order[0] = 0
    for ci in range(10, 60):                    # order-0 clusters, full
        dev.use(b(ci), dev.cs)
    for ci in range(200, 220):                  # order-2 clusters, aligned runs
        dev.order[ci] = 2
        for off in range(0, dev.cs, 4):
            dev.run(b(ci) + off, 2)
    dev.order[100] = 2                          # misaligned (orders), partial
    dev.run(b(100), 2)
    dev.run(b(100) + 6, 2)
    dev.order[701] = 1                          # misaligned cached folio
    dev.run(b(701), 1)
    dev.use(b(701) + 3, 2, cached=True)
    dev.folio(b(701) + 3, 1)
    dev.order[300] = 2                          # mixed-order: order 1 in order 2
    dev.run(b(300), 2)
    dev.run(b(300) + 4, 1)
    dev.run(b(300) + 6, 1)
    dev.order[1500] = 4                         # mixed-order (order 0), partial
    dev.run(b(1500), 0)
    dev.order[400] = 2                          # partial-block only
    dev.use(b(400) + 4, 2)
    dev.order[500] = 2                          # mixed-backing
    dev.run(b(500), 2)
    dev.zswap[b(500)] = dev.zswap[b(500) + 1] = 1
    dev.cached[b(900) + 2] = dev.cached[b(900) + 3] = 1     # cache-only
    dev.use(b(900) + 8)
    dev.use(b(1000), 5)                         # count-mismatch
    dev.ci_count[1000] = 7
    dev.use(b(1100), 3)                         # list-mismatch
    dev.flags[1100] = "free"
    dev.bad[b(1200) + 4] = 1                    # bad-in-use: bad and cached
    dev.cached[b(1200) + 4] = 1
    dev.use(b(1300) + 5)                        # orphan-cache
    dev.folio(b(1300) + 5, 0, mark=False)
    dev.use(b(dev.nr_clusters - 1), 3)
    if extra:                                   # two findings in one cell
        dev.order[3000] = 2
        dev.run(b(3000), 2)
        dev.run(b(3000) + 4, 1)
        dev.order[3001] = 2
        dev.run(b(3001) + 2, 2)
        dev.use(b(6001) + 1, cached=True)
        dev.cached[b(6002) + 7] = 1


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A 2048-cluster device: one cell per cluster in 120x40."""
    d = tmp_path_factory.mktemp("planted")
    dev = Device(2048)
    plant(dev)
    src = dev.write(d / "dump")
    snap = d / "snap.db"
    run("import", src, "-o", snap, check=0)
    return dev, snap, check_json(snap)


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """An 8192-cluster device: three clusters a cell in 120x40."""
    d = tmp_path_factory.mktemp("scaled")
    dev = Device(8192)
    plant(dev, extra=True)
    return dev, dev.write(d / "dump"), None


def check_json(src):
    p = run("check", "--json", src)
    assert p.returncode in (0, 1), p.stderr
    return json.loads(p.stdout)["findings"]


def check_lines(src, severity="warning"):
    """`swapfs check` at swapview's default filter (errors and warnings),
    without its summary line."""
    p = run("check", "--severity", severity, src)
    assert p.returncode in (0, 1), p.stderr
    lines = p.stdout.splitlines()
    assert lines[-1].startswith("summary "), p.stdout
    return lines[:-1]


def test_planted_findings_are_there(planted):
    _, _, findings = planted
    found = {(f["check"], f["cluster"]) for f in findings}
    for want in [("misaligned", 100), ("misaligned", 701), ("mixed-order", 300),
                 ("mixed-order", 1500), ("partial-block", 400),
                 ("mixed-backing", 500), ("cache-only", 900),
                 ("count-mismatch", 1000), ("list-mismatch", 1100),
                 ("bad-in-use", 1200), ("orphan-cache", 1300)]:
        assert want in found, want


# ---- tmux ----

_servers = itertools.count()


class Screen:
    """One tmux server on a private socket, one window running a command."""

    def __init__(self, tmp_path, width, height):
        self.sock = f"swapview-test-{os.getpid()}-{next(_servers)}"
        self.width, self.height = width, height
        self.tmp = tmp_path
        self.socket = None

    def tmux(self, *args, check=True):
        p = subprocess.run([TMUX, "-L", self.sock, "-f", "/dev/null", *map(str, args)],
                           capture_output=True, text=True,
                           env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
        if check:
            assert p.returncode == 0, f"tmux {args}: {p.stderr}"
        return p

    def start(self, command):
        """Run the shell command line @command in a new window; its exit
        status is printed after it, and the window stays."""
        self.tmux("new-session", "-d", "-x", self.width, "-y", self.height,
                  "-s", "t", f"{command}; echo \"[exit $?]\"; exec sleep 3600")
        self.socket = self.tmux("display", "-p", "#{socket_path}").stdout.strip()

    def view(self, src, *args, env="", ascii=True):
        """swapview on @src (with --ascii unless told); waits for the map."""
        opts = " ".join(map(str, (("--ascii",) if ascii else ()) + args))
        self.start(f"env {env} {SWAPVIEW} {opts} {src}")
        return self.wait_for(lambda s: "allocatable by order:" in s or "[exit" in s)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "t", *keys)

    def literal(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def capture(self, escapes=False):
        args = ["capture-pane", "-p", "-t", "t"] + (["-e"] if escapes else [])
        return self.tmux(*args).stdout

    def lines(self):
        lines = self.capture().split("\n")
        return (lines + [""] * self.height)[:self.height]

    def wait_for(self, pred, timeout=TIMEOUT):
        """Poll the screen until pred(text) holds and the screen has stopped
        changing (a redraw is many writes: a capture may fall between
        them); return the text."""
        end = time.monotonic() + timeout
        while True:
            text = self.capture()
            if pred(text):
                time.sleep(0.05)
                again = self.capture()
                if again == text:
                    return text
                continue
            if time.monotonic() > end:
                raise AssertionError(f"screen never matched; last screen:\n{text}")
            time.sleep(0.02)

    def press(self, key, pred):
        self.keys(key)
        return self.wait_for(pred)

    def message(self):
        return self.lines()[self.height - 1].rstrip()

    def kill(self):
        """Stop the server, and remove the socket it may leave behind."""
        self.tmux("kill-server", check=False)
        if self.socket and os.path.exists(self.socket):
            os.unlink(self.socket)


@pytest.fixture
def screen(tmp_path):
    made = []

    def make(width=120, height=40):
        s = Screen(tmp_path, width, height)
        made.append(s)
        return s
    yield make
    for s in made:
        s.kill()


# ---- reading the map off the screen ----

def geometry(text):
    m = re.search(r"1 cell = (\d+) clusters?, (\d+) a line", text)
    assert m, text
    return int(m.group(1)), int(m.group(2))


def map_cells(lines, nr_clusters):
    """The map's cells, in order, as the screen shows them."""
    text = "\n".join(lines)
    scale, per_row = geometry(text)
    gutter = len(str(nr_clusters - 1)) + 1
    nr_cells = -(-nr_clusters // scale)
    cells = []
    for r in range(-(-nr_cells // per_row)):
        line = lines[1 + r]
        assert line[:gutter - 1].strip() == str(r * per_row * scale), line
        cells += list(line[gutter:gutter + per_row])
    return scale, per_row, cells[:nr_cells]


def expected_cells(dev, findings, scale, highlight, state):
    """What each cell must show: its best error or warning, else its worst
    state (an info finding never hides the state glyph)."""
    first = {}
    for f in findings:
        if f["severity"] == "info":
            continue
        c = f["cluster"]
        if c not in first or CHECKS.index(f["check"]) < CHECKS.index(first[c]):
            first[c] = f["check"]
    cells = []
    for cell in range(-(-dev.nr_clusters // scale)):
        clusters = range(cell * scale, min((cell + 1) * scale, dev.nr_clusters))
        hl = [first[c] for c in clusters if c in first]
        if hl:
            cells.append(highlight[min(hl, key=CHECKS.index)])
        else:
            worst = max((dev.flag(c) for c in clusters), key=STATE_RANK.get)
            cells.append(state[worst])
    return cells


# ---- SGR attributes (capture-pane -e) ----

def attributed(line):
    """[(char, {attributes})] of a captured line with escapes."""
    out, attrs = [], set()
    for m in re.finditer(r"\x1b\[([0-9;:]*)m|\x1b[^\[]|(.)", line):
        if m.group(2) is not None:
            out.append((m.group(2), frozenset(attrs)))
            continue
        if m.group(1) is None:
            continue
        params = [int(p or 0) for p in re.split("[;:]", m.group(1))]
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                attrs.clear()
            elif p in (1, 2, 4, 5, 7):
                attrs.add({1: "bold", 2: "dim", 4: "underline", 5: "blink",
                           7: "reverse"}[p])
            elif p == 22:
                attrs -= {"bold", "dim"}
            elif p == 24:
                attrs.discard("underline")
            elif p == 27:
                attrs.discard("reverse")
            elif 30 <= p <= 37 or 90 <= p <= 97:
                attrs = {a for a in attrs if not a.startswith("fg")} | {f"fg{p}"}
            elif 40 <= p <= 47 or 100 <= p <= 107:
                attrs = {a for a in attrs if not a.startswith("bg")} | {f"bg{p}"}
            elif p == 39:
                attrs = {a for a in attrs if not a.startswith("fg")}
            elif p == 49:
                attrs = {a for a in attrs if not a.startswith("bg")}
            elif p in (38, 48):
                attrs.add(f"{'fg' if p == 38 else 'bg'}x")
                i += 2 if i + 1 < len(params) and params[i + 1] == 5 else 4
            i += 1
    return out


# ---- the device map ----

def test_map_highlights_planted_findings(planted, screen):
    dev, snap, findings = planted
    s = screen()
    s.view(snap)
    scale, per_row, cells = map_cells(s.lines(), dev.nr_clusters)
    assert scale == 1 and per_row == 112
    want = expected_cells(dev, findings, 1, HIGHLIGHT_ASCII, STATE_ASCII)
    assert cells == want
    # the planted regions, by position: line 1 + ci // 112, column 5 + ci % 112
    lines = s.lines()
    # info findings (partial-block at 400, cache-only at 900) keep the state
    for ci, glyph in [(100, "M"), (701, "M"), (300, "X"), (1500, "X"),
                      (400, "-"), (500, "Z"), (900, "-")]:
        assert lines[1 + ci // per_row][5 + ci % per_row] == glyph, ci
    # the legend names each highlight with its number of clusters
    legend = "\n".join(lines[1 + 19:37])
    assert "M misaligned 2" in legend and "X mixed-order 2" in legend


def test_map_scaled_cells_show_the_worst(scaled, screen):
    dev, src, _ = scaled
    findings = check_json(src)
    s = screen()
    s.view(src)
    scale, per_row, cells = map_cells(s.lines(), dev.nr_clusters)
    assert scale == 3
    assert cells == expected_cells(dev, findings, scale, HIGHLIGHT_ASCII, STATE_ASCII)
    # clusters 3000 (mixed-order) and 3001 (misaligned) share cell 1000:
    # misaligned wins, and Enter opens cluster 3001
    assert cells[1000] == "M"
    s.literal("c")
    s.literal("3000")
    s.press("Enter", lambda t: "cell 3000-3002, cluster 3000 " in t)
    s.press("l", lambda t: "cell 3003-3005" in t)
    s.press("h", lambda t: "cell 3000-3002, cluster 3001 " in t)
    s.press("Enter", lambda t: "cluster 3001 of 8192" in t)


def test_map_utf8_glyphs(planted, screen):
    dev, snap, findings = planted
    s = screen()
    s.view(snap, env="LANG=C.UTF-8 LC_ALL=C.UTF-8", ascii=False)
    _, _, cells = map_cells(s.lines(), dev.nr_clusters)
    assert cells == expected_cells(dev, findings, 1, HIGHLIGHT_UTF8, STATE_UTF8)
    assert cells[100] == "\u25c6" and cells[300] == "\u259e"
    assert s.lines()[0].startswith(" device map \u00b7 cluster 0 ")
    # the cluster view: run boundaries, free slots, findings under them
    s.press("s", lambda t: "all findings shown" in t)
    s.keys("/")
    s.literal("1606")
    text = s.press("Enter", lambda t: "slot 1606, cluster 100 " in t)
    grid = next(l for l in text.split("\n") if l.startswith(" 1600 "))
    under = text.split("\n")[text.split("\n").index(grid) + 1]
    assert grid[6:6 + 3 * 8 - 1] == "\u25021  1  1  1  \u00b7  \u00b7 \u25021  1"
    assert under[6 + 3 * 6 + 1] == "\u25c6" and under[6 + 3 * 4 + 1] == "\u25d4"


def test_map_ascii_in_a_non_utf8_locale(planted, screen):
    dev, snap, findings = planted
    s = screen()
    s.view(snap, env="LANG=C LC_ALL=C", ascii=False)
    _, _, cells = map_cells(s.lines(), dev.nr_clusters)
    assert cells == expected_cells(dev, findings, 1, HIGHLIGHT_ASCII, STATE_ASCII)


def test_colour_and_no_color(planted, screen):
    _, snap, _ = planted
    s = screen()
    s.view(snap, env="TERM=screen")
    cell = attributed(s.capture(escapes=True).split("\n")[1])[5 + 100]
    assert cell[0] == "M" and "bg41" in cell[1]         # white on red: an error
    s2 = screen()
    s2.view(snap, env="TERM=screen NO_COLOR=")
    text = s2.capture(escapes=True)
    assert not re.search(r"\x1b\[[0-9;]*(3[0-7]|4[0-7])m", text)
    cell = attributed(text.split("\n")[1])[5 + 100]
    assert cell[0] == "M" and "reverse" in cell[1]      # glyph plus attribute


# ---- findings: n / N, the pane ----

def test_n_walks_every_finding_in_order(planted, screen):
    _, snap, _ = planted
    want = check_lines(snap)
    s = screen()
    s.view(snap)
    n = len(want)
    for i, line in enumerate(want, 1):
        prefix = f"finding {i}/{n}: "
        s.press("n", lambda t, p=prefix: p in t)
        assert s.message() == prefix + line
    s.press("n", lambda t: "no next finding" in t)
    # N walks back, in the cluster view too
    s.press("Enter", lambda t: "cluster 1500 of 2048" in t)
    for i in range(n - 1, n - 5, -1):
        prefix = f"finding {i}/{n}: "
        s.press("N", lambda t, p=prefix: p in t)
        assert s.message() == prefix + want[i - 1]
        f = re.search(r"offset=(\d+)", want[i - 1]).group(1)
        assert f"slot {f}, cluster" in s.lines()[0]


def test_findings_pane(planted, screen):
    _, snap, _ = planted
    want = check_lines(snap)
    s = screen()
    s.view(snap)
    text = s.press("f", lambda t: " findings - " in t)
    rows = [l for l in text.split("\n")[2:] if re.match(r"\s+\d+ ", l)]
    assert [re.sub(r"^\s+\d+ . \w+\s+", "", r).rstrip() for r in rows] == want
    assert f"{len(want)} (" in text.split("\n")[0]
    s.press("G", lambda t: True)
    s.press("Enter", lambda t: ", cluster 1500 of 2048 (" in t)
    assert "> X mixed-order cluster=1500" in s.capture()
    s.press("Escape", lambda t: " findings - " in t)


def test_info_findings_keep_the_state_glyph_and_colour(planted, screen):
    """An info finding is a layer of its own: the state glyph and the
    order's colour stay, underlined; errors and warnings replace it."""
    _, snap, _ = planted
    s = screen()
    s.view(snap, env="TERM=screen")

    def cell(ci):
        line = s.capture(escapes=True).split("\n")[1 + ci // 112]
        return attributed(line)[5 + ci % 112]
    plain, info = cell(200), cell(400)         # order 2: no finding, partial-block
    fg = {a for a in plain[1] if a.startswith("fg")}
    assert plain[0] == "#" and fg and "underline" not in plain[1]
    assert info[0] == "-" and "underline" not in info[1]    # info hidden (default)
    s.press("s", lambda t: "all findings shown" in t)
    info = cell(400)
    assert info[0] == "-" and "underline" in info[1] and fg <= info[1]
    assert cell(100)[0] == "M"                  # an error still replaces the glyph
    text = s.capture()
    assert re.search(r"- partial-block \d+", text)     # the legend names the layer
    s.press("s", lambda t: "errors only shown" in t)
    assert cell(300)[0] == "-" and cell(100)[0] == "M"   # mixed-order: a warning


def test_severity_filter_for_n_and_the_pane(planted, screen):
    _, snap, _ = planted
    by = {sev: check_lines(snap, sev) for sev in ("info", "warning", "error")}
    assert len(by["info"]) > len(by["warning"]) > len(by["error"])
    s = screen()
    s.view(snap)
    assert "(info hidden: s)" in s.lines()[-3]
    for sev, said in [("info", "all findings shown"), ("error", "errors only shown"),
                      ("warning", "errors and warnings shown")]:
        s.press("s", lambda t, m=said: m in t)
        n = len(by[sev])
        s.press("g", lambda t: " device map - cluster 0 " in t)
        s.press("n", lambda t, n=n: f"finding 1/{n}: " in t)
        assert s.message() == f"finding 1/{n}: " + by[sev][0]
        text = s.press("f", lambda t: " findings - " in t)
        rows = [l for l in text.split("\n")[2:] if re.match(r"\s+\d+ ", l)]
        want = by[sev][:len(rows)]
        assert [re.sub(r"^\s+\d+ . \w+\s+", "", r).rstrip() for r in rows] == want
        assert f"{n} (" in text.split("\n")[0]
        s.press("Escape", lambda t: " device map - " in t)


# ---- moving between views ----

def test_enter_and_esc_move_between_views(planted, screen):
    _, snap, _ = planted
    s = screen()
    s.view(snap)
    s.press("l", lambda t: "cluster 1 (slots 16-31)" in t)
    s.press("Enter", lambda t: ", cluster 1 of 2048 (" in t)
    s.press("Escape", lambda t: " device map - cluster 1 " in t)
    s.press("o", lambda t: " orders - " in t)
    s.press("BSpace", lambda t: " device map - " in t)
    s.press("f", lambda t: " findings - " in t)
    s.press("Enter", lambda t: ", cluster 100 of 2048 (" in t)
    s.press("PPage", lambda t: "cluster 99 of 2048" in t)
    s.press("i", lambda t: " info - " in t)
    s.press("Escape", lambda t: "cluster 99 of 2048" in t)
    s.press("Escape", lambda t: " findings - " in t)
    s.press("Escape", lambda t: " device map - cluster 99 " in t)


def test_slot_jump_lands_on_the_slot(planted, screen):
    dev, snap, _ = planted
    s = screen()
    s.view(snap)
    slot = 100 * 16 + 7                 # inside the misaligned run at 1606
    s.press("s", lambda t: "all findings shown" in t)
    s.keys("/")
    s.literal(str(slot))
    text = s.press("Enter", lambda t: f"slot {slot}, cluster" in t)
    lines = text.split("\n")
    assert "cluster 100 of 2048 (slots 1600-1615)" in lines[0]
    assert "ci->count 8 (slots say 8)  flags nonfull  ci->order 2 (16K)" in lines[1]
    detail = next(l for l in lines if l.startswith(f"slot {slot}:"))
    assert "count 1" in detail and "run: order 2 at 1606" in detail
    assert "in: misaligned" in detail
    # the grid: 32 slots a line from column 6, three columns a slot
    grid = next(i for i, l in enumerate(lines) if l.startswith(" 1600 "))
    row = attributed(s.capture(escapes=True).split("\n")[grid])
    col = 6 + 3 * (slot - 1600) + 1
    assert row[col][0] == "1" and "reverse" in row[col][1]
    assert "reverse" not in row[col - 3][1]
    assert lines[grid][6 + 3 * 6] == "|"              # the run's start
    under = lines[grid + 1]                             # its findings line
    assert [under[6 + 3 * i + 1] for i in range(4, 12)] == list("ppMMMMpp")
    # hex, and a slot past the end
    s.keys("/")
    s.literal("0x10")
    s.press("Enter", lambda t: "slot 16, cluster 1 " in t)
    s.keys("/")
    s.literal(str(dev.max))
    s.press("Enter", lambda t: "is past the last slot" in t)


def test_cluster_jump(planted, screen):
    _, snap, _ = planted
    s = screen()
    s.view(snap)
    s.keys("c")
    s.literal("1500")
    text = s.press("Enter", lambda t: "device map - cluster 1500 (slots 24000-24015)" in t)
    assert "1 finding" in text.split("\n")[0]          # mixed-order; info hidden
    text = s.press("s", lambda t: "all findings shown" in t)
    assert "2 findings" in text.split("\n")[0]
    s.press("Enter", lambda t: "cluster 1500 of 2048" in t)
    s.keys("c")
    s.literal("7")
    s.press("Enter", lambda t: "slot 112, cluster 7 of 2048 (slots 112-127)" in t)


# ---- orders ----

def test_order_view_dims_the_other_orders(planted, screen):
    dev, snap, _ = planted
    st = json.loads(run("stat", "--json", snap, check=0).stdout)
    s = screen()
    s.view(snap)
    text = s.press("o", lambda t: " orders - " in t)
    rows = {int(l.split()[0]): l.split() for l in text.split("\n")[5:] if
            re.match(r"\s+\d+\s+\d+[KM]", l)}
    for o in st["orders"]:
        assert int(rows[o["order"]][-1]) == o["allocatable"]
    for _ in range(3):                  # "all orders", 0, 1, 2
        s.keys("j")
    text = s.press("Enter", lambda t: "order 2 shown" in t)
    assert "[2:" in text
    lines = s.capture(escapes=True).split("\n")
    per_row = 112

    def attrs(ci):
        return attributed(lines[1 + ci // per_row])[5 + ci % per_row][1]
    assert "dim" not in attrs(200) and "dim" not in attrs(300)     # order 2
    assert "dim" in attrs(20) and "dim" in attrs(1500) and "dim" in attrs(600)
    s.press("Escape", lambda t: "all orders shown" in t)
    lines = s.capture(escapes=True).split("\n")
    assert "dim" not in attrs(20)


# ---- time series ----

def test_time_series_t_and_T(tmp_path, screen):
    db = tmp_path / "t.db"
    run("sim", "--builtin", "random:orders=0+4,fill=70,ops=3000", "--slots", 16384,
        "--every", 1000, "-o", db, check=0)
    con = sqlite3.connect(db)
    steps = [r[0] for r in con.execute("select step from snapshots order by id")]
    con.close()
    n = len(steps)
    assert n >= 4
    s = screen()
    text = s.view(db)
    assert f"[snapshot {n}, {n} of {n}]" in text and f"step {steps[-1]} " in text
    # the title changes first, the status line once the snapshot is loaded
    text = s.press("T", lambda t: f"[snapshot {n - 1}, {n - 1} of {n}]" in t and
                   f"step {steps[-2]} " in t and "loading snapshot" not in t)
    assert f"snapshot {n - 1} ({n - 1} of {n})" in text
    s.press("T", lambda t: f"[snapshot {n - 2}, {n - 2} of {n}]" in t)
    s.press("t", lambda t: f"[snapshot {n - 1}, {n - 1} of {n}]" in t)
    s.press("t", lambda t: f"[snapshot {n}, {n} of {n}]" in t)
    s.press("t", lambda t: "this is the last snapshot of the series" in t)
    s2 = screen()
    text = s2.view(db, "--snapshot", 1)
    assert f"[snapshot 1, 1 of {n}]" in text and f"step {steps[0]} " in text
    s2.press("T", lambda t: "this is the first snapshot" in t)


def export_e(db, sid, out):
    """Snapshot @sid of @db as an era E dump: (records, swap_map, cache lines)."""
    run("export", "-s", sid, "--era", "E", db, "-o", out, check=0)
    recs = [l.split() for l in (out / "clusters").read_text().splitlines()]
    cache = out / "cache"
    return recs, (out / "swap_map").read_bytes(), \
        set(cache.read_text().splitlines()) if cache.exists() else set()


def test_d_marks_what_changed_since_the_previous_snapshot(tmp_path, screen):
    db = tmp_path / "t.db"
    run("sim", "--builtin", "random:orders=0+4,fill=70,ops=3000", "--slots", 16384,
        "--every", 1000, "-o", db, check=0)
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("select id from snapshots order by id")]
    con.close()
    # the truth, from the two snapshots exported: records, slots, folios
    (ra, ma, ca), (rb, mb, cb) = (export_e(db, i, tmp_path / f"e{i}") for i in ids[-2:])
    cs = 512
    changed = {int(a[0]) for a, b in zip(ra, rb) if a != b}
    moved = {int(a[0]) for a, b in zip(ra, rb) if a[2:4] != b[2:4]}
    changed |= {i // cs for i in range(len(ma)) if ma[i] != mb[i]}
    for line in ca ^ cb:
        off, order = map(int, line.split()[:2])
        changed |= {i // cs for i in range(off, off + (1 << order))}
    assert changed
    s = screen()
    s.view(db, env="TERM=screen")
    text = s.press("d", lambda t: "changed since snapshot" in t)
    assert f"changed since snapshot {ids[-2]}: {len(changed)} clusters " \
           f"({len(moved)} moved list or order)" in s.message(), s.message()
    assert f"moved {len(moved)}" in text and f"touched {len(changed) - len(moved)}" in text
    green = sum(1 for l in s.capture(escapes=True).split("\n")[1:-5]
                for ch, a in attributed(l) if "bg42" in a)
    zoom = re.search(r"1 cell = 1 cluster, (\d+)x(\d+) characters", text)
    assert green == len(moved) * int(zoom.group(1)) * int(zoom.group(2))
    ci = min(moved)
    s.keys("c")
    s.literal(str(ci))
    text = s.press("Enter", lambda t: f"device map - cluster {ci} " in t)
    assert "; changed: list " in text.split("\n")[0] or "; changed: " in text.split("\n")[0]
    # T keeps the marks on: against the one before that
    s.press("T", lambda t: f"changed since snapshot {ids[-3]}:" in t)
    s.press("d", lambda t: "change marks off" in t)
    assert not any("bg42" in a for l in s.capture(escapes=True).split("\n")[1:-5]
                   for ch, a in attributed(l))
    s.press("g", lambda t: True)
    for _ in ids[:-2]:
        s.keys("T")
    s.wait_for(lambda t: f"[snapshot {ids[0]}, 1 of" in t)
    s.press("d", lambda t: "the first snapshot of the series: none before it" in t)


def test_t_on_a_dump(planted, screen, tmp_path):
    dev = Device(64)
    dev.use(20, 3)
    src = dev.write(tmp_path / "d")
    s = screen()
    s.view(src)
    s.press("t", lambda t: "is not a time series" in t)
    s.press("d", lambda t: "is not a time series: nothing to compare" in t)


# ---- help, resize, quit ----

HELP_KEYS = ["q", "?", "F1", "Esc", "Backspace", "f", "n", "N", "o", "i", "/", "c",
             "t", "T", "a", "A", "d", "s", "p", "Ctrl-L", "arrows", "hjkl", "PgUp", "PgDn", "g", "G", "Home",
             "End", "Enter"]


def test_help_lists_every_key(planted, screen):
    _, snap, _ = planted
    s = screen()
    s.view(snap)
    text = s.press("?", lambda t: " help - " in t)
    seen = text
    for _ in range(4):
        text = s.press("NPage", lambda t: True)
        seen += text
    keys = set()
    for line in seen.split("\n"):
        if line.startswith("   ") and line[3] != " ":
            keys.update(line[3:18].split())     # the key column
    for k in HELP_KEYS:
        assert k in keys, k
    # and the glyph tables
    for check, glyph in HIGHLIGHT_ASCII.items():
        assert re.search(rf"\n\s+{re.escape(glyph)}\s+{check}\s", seen), check
    s.press("Escape", lambda t: " device map - " in t)


def test_resize_small_and_back(planted, screen):
    dev, snap, findings = planted
    s = screen()
    before = s.view(snap)
    s.tmux("resize-window", "-t", "t", "-x", 40, "-y", 12)
    text = s.wait_for(lambda t: "terminal too small" in t)
    assert "40x12, needs 60x15" in text and "q quits" in text
    s.tmux("resize-window", "-t", "t", "-x", 80, "-y", 24)
    text = s.wait_for(lambda t: "device map" in t)
    scale, per_row, cells = map_cells(text.split("\n"), dev.nr_clusters)
    assert per_row == 64 and scale == 2
    assert cells == expected_cells(dev, findings, scale, HIGHLIGHT_ASCII, STATE_ASCII)
    s.tmux("resize-window", "-t", "t", "-x", 120, "-y", 40)
    s.wait_for(lambda t: t == before)


def test_cluster_view_keeps_working_when_small(planted, screen):
    _, snap, _ = planted
    s = screen(MIN_COLS, MIN_LINES)
    s.view(snap)
    s.keys("/")
    s.literal("1606")
    text = s.press("Enter", lambda t: "slot 1606, cluster 100" in t)
    assert "slot 1606: count 1" in text
    for line in text.split("\n"):
        assert len(line) <= MIN_COLS


def shell(s, tmp_path):
    """A plain bash in the window, with a prompt to wait for."""
    s.start("env PS1='READY$ ' bash --norc --noprofile")
    s.wait_for(lambda t: "READY$" in t)
    s.literal(f"echo before-swapview; stty -g > {tmp_path}/stty.before")
    s.press("Enter", lambda t: t.count("READY$") == 2)


def test_q_leaves_the_terminal_as_found(planted, screen, tmp_path):
    _, snap, _ = planted
    s = screen()
    shell(s, tmp_path)
    s.literal(f"{SWAPVIEW} --ascii {snap}; echo status=$?")
    s.press("Enter", lambda t: "allocatable by order:" in t)
    assert s.tmux("display", "-p", "-t", "t", "#{alternate_on}").stdout.strip() == "1"
    s.press("q", lambda t: "status=0" in t)
    text = s.capture()
    assert "before-swapview" in text            # the shell's screen is back
    assert "Sanitizer" not in text and "runtime error" not in text
    assert s.tmux("display", "-p", "-t", "t",
                  "#{alternate_on} #{cursor_flag}").stdout.split() == ["0", "1"]
    s.literal(f"stty -g > {tmp_path}/stty.after")
    s.press("Enter", lambda t: t.count("READY$") == 4)
    s.wait_for(lambda t: (tmp_path / "stty.after").exists()
               and (tmp_path / "stty.after").read_text() != "")
    assert (tmp_path / "stty.after").read_text() == (tmp_path / "stty.before").read_text()


def test_ctrl_c_leaves_the_terminal_as_found(planted, screen, tmp_path):
    _, snap, _ = planted
    s = screen()
    shell(s, tmp_path)
    s.literal(f"{SWAPVIEW} --ascii {snap}")
    s.press("Enter", lambda t: "allocatable by order:" in t)
    s.press("C-c", lambda t: t.count("READY$") == 3)
    s.literal("echo status=$?")
    s.press("Enter", lambda t: "status=130" in t)
    assert "before-swapview" in s.capture()
    assert s.tmux("display", "-p", "-t", "t",
                  "#{alternate_on} #{cursor_flag}").stdout.split() == ["0", "1"]
    s.literal(f"stty -g > {tmp_path}/stty.after")
    s.press("Enter", lambda t: t.count("READY$") == 5)
    s.wait_for(lambda t: (tmp_path / "stty.after").exists()
               and (tmp_path / "stty.after").read_text() != "")
    assert (tmp_path / "stty.after").read_text() == (tmp_path / "stty.before").read_text()


# ---- --header, and what fails before the screen ----

def test_header_in_the_info_view(tmp_path, screen):
    img = tmp_path / "swap.img"
    img.write_bytes(b"\0" * (1 << 20))         # no holes: swapon refuses them
    subprocess.run(["mkswap", "-q", "-L", "viewlabel", str(img)], check=True)
    dev = Device(16)                    # 256 slots: last_page 255
    dev.use(20, 3)
    src = dev.write(tmp_path / "d")
    s = screen()
    s.view(src, "--header", img)
    text = s.press("i", lambda t: " info - " in t)
    assert "On-disk header (--header)" in text
    assert "label         viewlabel" in text
    assert "last_page     255 (256 slots; the snapshot has max 256, the same)" in text
    assert "swapon        kernel 6.18.44 accepts it" in text
    uuid = subprocess.run(["blkid", "-p", "-o", "value", "-s", "UUID", str(img)],
                          capture_output=True, text=True).stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", uuid)
    assert f"uuid          {uuid}" in text


def test_term_dumb_is_refused(planted, screen):
    _, snap, _ = planted
    s = screen()
    s.start(f"env TERM=dumb {SWAPVIEW} {snap}")
    text = s.wait_for(lambda t: "[exit" in t)
    assert "[exit 1]" in text and "TERM=dumb" in text and "full-screen terminal" in text


def test_cut_status_lines_end_in_an_ellipsis(planted, screen):
    _, snap, _ = planted
    s = screen(MIN_COLS, MIN_LINES + 5)
    s.view(snap)
    status = s.lines()[-3]
    assert len(status) == MIN_COLS and status.endswith("...")
    s2 = screen(MIN_COLS, MIN_LINES + 5)
    s2.view(snap, env="LANG=C.UTF-8 LC_ALL=C.UTF-8", ascii=False)
    assert s2.lines()[-3].rstrip().endswith("\u2026")
    # a line that fits has none
    s3 = screen(400, 40)
    s3.view(snap)
    assert "..." not in s3.lines()[-3]


def test_a_small_device_fills_the_screen(tmp_path, screen):
    dev = Device(64)
    dev.use(20, 3)
    src = dev.write(tmp_path / "d")
    s = screen(120, 45)
    text = s.view(src)
    lines = text.split("\n")
    legend = next(i for i, l in enumerate(lines) if l.startswith("1 cell = "))
    m = re.search(r"1 cell = 1 cluster, (\d+)x(\d+) characters, (\d+) a line", text)
    assert m, text
    zx, zy, per_row = map(int, m.groups())
    used = sum(1 for l in lines[1:legend] if l.strip())
    assert used == -(-64 // per_row) * zy
    assert used >= (legend - 1) * 2 // 3, (used, legend)
    # cluster 1 (slots 16-31, three used) is a zx by zy block of its glyph
    row0 = lines[1]
    gutter = len("63") + 1
    assert row0[gutter + zx:gutter + 2 * zx] == "-" * zx
    assert row0[gutter:gutter + zx] == "-" * zx       # cluster 0: the header slot
    s.press("l", lambda t: "cluster 1 (slots 16-31)" in t)


def test_errors_are_printed_before_the_screen(tmp_path, planted):
    _, snap, _ = planted

    def sv(*args):
        return subprocess.run([SWAPVIEW, *map(str, args)], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL)
    p = sv(tmp_path / "nothing")
    assert p.returncode == 3 and "nothing" in p.stderr and p.stdout == ""
    p = sv("--snapshot", "x", snap)
    assert p.returncode == 2 and "invalid snapshot id" in p.stderr
    p = sv("--snapshot", "9", snap)
    assert p.returncode == 3
    p = sv("--header", tmp_path / "nothing", snap)
    assert p.returncode == 3 and "nothing" in p.stderr
    p = sv(snap)                        # no terminal
    assert p.returncode == 3 and "terminal" in p.stderr
    p = sv()
    assert p.returncode == 2
    p = sv("--help")
    assert p.returncode == 0 and "--snapshot" in p.stdout and "--ascii" in p.stdout


def test_owners_of_the_slot(tmp_path, screen):
    """A capture's back-references: the processes that map the cursor slot."""
    snap = tmp_path / "cap.db"
    run("import", os.path.join(os.path.dirname(__file__), "..", "fixtures", "dumps", "era-E"),
        "-o", snap, check=0)
    db = sqlite3.connect(snap)
    # pages 0x7f000.. on slots 8, 9, 10; a second process maps slot 8 only
    db.execute("INSERT INTO procs VALUES (1, 100, 'app', x'80e01f1000000000')")
    db.execute("INSERT INTO procs VALUES (1, 101, 'child', x'80e01f10')")
    db.commit()
    db.close()
    s = screen()
    s.view(snap)
    s.keys("/")
    s.literal("8")
    text = s.press("Enter", lambda t: "slot 8, cluster" in t)
    detail = next(l for l in text.split("\n") if l.startswith("slot 8:"))
    assert "mapped by: 100 (app) at 0x7f000000, 101 (child) at 0x7f000000" in detail
    s.keys("/")
    s.literal("10")
    text = s.press("Enter", lambda t: "slot 10, cluster" in t)
    detail = next(l for l in text.split("\n") if l.startswith("slot 10:"))
    assert "mapped by: 100 (app) at 0x7f002000" in detail and "101" not in detail
    s.keys("/")
    s.literal("11")
    text = s.press("Enter", lambda t: "slot 11, cluster" in t)
    assert "mapped by" not in next(l for l in text.split("\n") if l.startswith("slot 11:"))


def test_live_delay_option(planted, tmp_path):
    _, snap, _ = planted
    for bad in ("0", "0.01", "x", "-1"):
        p = subprocess.run([SWAPVIEW, "-d", bad, "live:"], capture_output=True,
                           text=True, stdin=subprocess.DEVNULL)
        assert p.returncode == 2 and f"invalid delay '{bad}'" in p.stderr
    p = subprocess.run([SWAPVIEW, "-d", "1", str(snap)], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 2 and "is not one" in p.stderr

