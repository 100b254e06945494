"""swapview on a live: source: read again every interval, what changed marked.

A zram swap area of our own (small pages only: every hugepages-*/enabled
set to never, zswap off; all put back), swapview live:AREA -d 2 in tmux
(test_swapview.py's Screen). Anonymous memory written and paged out with
MADV_PAGEOUT while it runs must show on the next read: the status line
counts the clusters that changed, their cells take the "moved" layer
(black on green), the map's title and the cluster view say what changed
and mark the slots; p pauses (no read, the marks stay) and resumes (a
read at once; the quiet area then shows no marks).

Root, zram and a swapfs built with the BPF reader are needed, else the
test skips (77), saying why.
"""
import re
import time

import pytest

import kernelhost
from test_swapview import TIMEOUT, attributed, screen  # noqa: F401 (a fixture)


# ---- live: the running kernel, read again every interval ----

@pytest.fixture
def live_area():
    """A zram swap area of our own, small pages only, zswap off; put back."""
    why = kernelhost.why_not(live=True, mthp=False)
    if why:
        pytest.skip(why)
    with kernelhost.own_host() as h:
        kernelhost.only_mthp(h)
        dev, _ = kernelhost.driver().zram_up(h, "64M", None)
        yield f"/dev/{dev}"


def page_out(nbytes):
    """Anonymous memory written and paged out (MADV_PAGEOUT): kept mapped,
    its pages on swap, until the mmap returned is closed."""
    import ctypes
    import mmap
    m = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    m.write(b"\x5a" * nbytes)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    assert libc.madvise(addr, nbytes, 21) == 0, ctypes.get_errno()   # MADV_PAGEOUT
    return m


LIVE_STATUS = re.compile(r"\[live: read (\d+), every ([0-9.]+) s, (\d+) changed\]")


def changed_cells(s):
    """The clusters whose cell shows the "moved" layer (black on green)."""
    text = s.capture()
    m = re.search(r"1 cell = 1 cluster, (?:(\d+)x(\d+) characters, )?(\d+) a line", text)
    assert m, text
    zx, zy, per_row = int(m.group(1) or 1), int(m.group(2) or 1), int(m.group(3))
    lines = s.capture(escapes=True).split("\n")
    legend = next(i for i, l in enumerate(text.split("\n")) if l.startswith("1 cell = "))
    gutter = len(text.split("\n")[1].split()[0]) + 1
    found = set()
    for y in range(1, legend):
        for x, (ch, attrs) in enumerate(attributed(lines[y])):
            if x >= gutter and "bg42" in attrs:
                found.add((y - 1) // zy * per_row + (x - gutter) // zx)
    return found


def test_live_refresh_marks_what_changed(live_area, screen):
    s = screen()
    s.view(f"live:{live_area}", "-d", 2, env="TERM=screen")
    text = s.wait_for(lambda t: LIVE_STATUS.search(t))
    assert LIVE_STATUS.search(text).group(2) == "2"
    assert not changed_cells(s)                 # the first read: nothing to compare
    mem = page_out(4 << 20)                     # 1024 slots
    try:
        s.wait_for(lambda t: (m := LIVE_STATUS.search(t)) and int(m.group(3)) > 0)
        text = s.press("p", lambda t: "paused at read" in t)
        paused = re.search(r"paused at read (\d+)", text).group(1)
        moved = changed_cells(s)
        assert moved, s.capture()
        time.sleep(2.5)                         # paused: no read, the marks stay
        assert changed_cells(s) == moved
        assert re.search(r"paused at read (\d+)", s.capture()).group(1) == paused
        ci = min(moved)
        s.keys("c")
        s.literal(str(ci))
        text = s.press("Enter", lambda t: f"device map - cluster {ci} " in t)
        assert "; changed: list " in text.split("\n")[0], text.split("\n")[0]
        text = s.press("Enter", lambda t: f"cluster {ci} of " in t)
        assert "changed: " in text.split("\n")[1]
        slots = sum(1 for l in s.capture(escapes=True).split("\n")[3:]
                    for ch, a in attributed(l) if "bg42" in a and ch.isdigit())   # a count
        assert slots > 0
        s.press("Escape", lambda t: " device map - " in t)
        # resumed: read at once; the area is quiet again, the marks fade
        s.press("p", lambda t: "resumed: a read every 2 s" in t)
        s.wait_for(lambda t: (m := LIVE_STATUS.search(t)) and m.group(3) == "0",
                   timeout=TIMEOUT + 5)
        assert not changed_cells(s)
    finally:
        mem.close()
