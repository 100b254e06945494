"""Every active swap area of the running kernel (issue 19, part 3): a bare
live: reads each, in the order the kernel tries them (priority high to
low, then type), and stat, check and import show each as the area read
alone (live:/dev/zramN) shows it. Two zram areas of our own, one with
64K folios swapped out; root, zram and the BPF reader; the machine's swap
state is held by the lock in conftest.py and put back.
"""
import json
import os
import shutil
import subprocess

import pytest

import kernelhost
from conftest import SWAPFS, run

pytestmark = pytest.mark.skipif(kernelhost.why_not(live=True) is not None,
                                reason=kernelhost.why_not(live=True) or "")

KEYS = ("device", "totals", "clusters", "orders")


def layout(blocks):
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(SWAPFS))))
    exe = os.environ.get("SWAPFS_TEST_LAYOUT") or os.path.join(build, "tests",
                                                               "swapfs-test-layout")
    proc = subprocess.Popen([exe, "64", str(blocks), "0", "0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    json.loads(proc.stdout.readline())
    return proc


def stat(*args):
    return json.loads(run("stat", "-J", *args, check=0).stdout)


def part(doc):
    return {k: doc[k] for k in KEYS}


@pytest.fixture(scope="module")
def areas():
    """zram A (the lower type) at priority 5 with 64K folios swapped out,
    zram B at priority 10: the kernel tries B first."""
    kr = kernelhost.driver()
    with kernelhost.own_host() as host:
        kernelhost.only_mthp(host, 64)
        a, _ = kr.zram_up(host, "16M", None)
        b, _ = kr.zram_up(host, "16M", None)
        for dev, prio in ((a, 5), (b, 10)):
            subprocess.run(["swapoff", f"/dev/{dev}"], check=True)
            subprocess.run(["swapon", "-p", str(prio), f"/dev/{dev}"], check=True)
        # the folios go to B, the area the kernel tries first
        proc = layout(16)
        try:
            yield {"hi": f"/dev/{b}", "lo": f"/dev/{a}"}
        finally:
            proc.stdin.close()
            proc.wait(timeout=30)


def test_live_reads_every_area_in_the_kernels_order(areas):
    for _ in range(20):     # the group, each area alone, the group again: still
        doc = stat("live:")
        alone = {n: stat(f"live:{areas[n]}") for n in ("hi", "lo")}
        if [part(d) for d in stat("live:")["areas"]] == [part(d) for d in doc["areas"]]:
            break
    else:
        raise AssertionError("the areas never stood still for a read")
    assert list(doc) == ["areas"] and len(doc["areas"]) == 2
    hi, lo = doc["areas"]
    assert [hi["info"]["path"], lo["info"]["path"]] == [areas["hi"], areas["lo"]]
    assert [hi["info"]["prio"], lo["info"]["prio"]] == ["10", "5"]
    assert [(d["info"]["area"], d["info"]["areas"]) for d in (hi, lo)] == [
        ("0", "2"), ("1", "2")]
    assert int(hi["info"]["type"]) > int(lo["info"]["type"])
    assert hi["totals"]["slots_used"] > 0    # the folios went to the first tried
    for d, name in ((hi, "hi"), (lo, "lo")):
        assert part(d) == part(alone[name]), name
        assert "area" not in alone[name]["info"]


def test_import_live_stores_the_group(areas, tmp_path):
    g = tmp_path / "g.db"
    for _ in range(20):
        live = stat("live:")
        run("import", "live:", "-o", g, "--force", check=0)
        stored = stat(g)["areas"]
        if [part(d) for d in stored] == [part(d) for d in live["areas"]]:
            break
    else:
        raise AssertionError("the areas never stood still for a read")
    assert [d["source"]["snapshot"] for d in stored] == [1, 2]
    run("import", "--append", "live:", "-o", g, check=0)
    assert [d["source"]["snapshot"] for d in stat(f"{g}@3")["areas"]] == [3, 4]


def test_stat_and_check_table_and_area(areas):
    out = run("stat", "live:", check=0).stdout.splitlines()
    assert out[0].split() == ["AREA", "NAME", "TYPE", "SIZE", "USED", "PRIO", "FALLBACK"]
    assert out[1].split()[:3] == ["0", areas["hi"], "partition"]
    assert out[1].split()[5] == "10" and out[2].split()[5] == "5"
    p = run("check", "live:")
    assert p.returncode in (0, 1), p.stderr
    assert f"\nArea 1 of 2: {areas['lo']} (type " in p.stdout
    one = run("check", "-J", "--area", 1, "live:")
    assert json.loads(one.stdout)["summary"]["origin"] == areas["lo"]
    # live:AREA is still one area, and a bare live: elsewhere still refuses
    assert "areas" not in stat(f"live:{areas['hi']}")
    p = run("export", "live:", "-o", "/nonexistent/x")
    assert "2 swap areas are active; name one" in p.stderr


def test_swapview_a_switches_live_areas(areas, tmp_path):
    import test_swapview as tv
    if tv.TMUX is None:
        pytest.skip("tmux is not installed")
    s = tv.Screen(tmp_path, 200, 30)
    try:
        text = s.view("live:")
        assert f"[area 0/2 {areas['hi']} prio 10]" in text
        s.press("a", lambda t: f"[area 1/2 {areas['lo']} prio 5]" in t and
                "[live: read 1," in t)
        s.press("a", lambda t: f"[area 0/2 {areas['hi']} prio 10]" in t)
    finally:
        s.kill()


def test_mount_of_every_live_area(areas, tmp_path):
    fm = shutil.which("fusermount3")
    if not fm or not os.path.exists("/dev/fuse"):
        pytest.skip("needs /dev/fuse and fusermount3")
    m = tmp_path / "m"
    m.mkdir()
    run("mount", "live:", m, check=0)
    try:
        assert sorted(os.listdir(m / "areas")) == ["0", "1"]
        assert (m / "device" / "path").read_text() == areas["hi"] + "\n"
        assert (m / "areas" / "1" / "device" / "path").read_text() == areas["lo"] + "\n"
        assert (m / "areas" / "1" / "device" / "prio").read_text() == "5\n"
    finally:
        subprocess.run([fm, "-u", str(m)], check=True)


def test_equal_priorities_go_by_type(areas):
    """The contract for a group: equal priorities in swap type order (the
    kernel itself rotates among them: plist_requeue())."""
    subprocess.run(["swapoff", areas["lo"]], check=True)
    subprocess.run(["swapon", "-p", "10", areas["lo"]], check=True)
    doc = stat("live:")
    assert [d["info"]["path"] for d in doc["areas"]] == [areas["lo"], areas["hi"]]
    assert [d["info"]["prio"] for d in doc["areas"]] == ["10", "10"]
