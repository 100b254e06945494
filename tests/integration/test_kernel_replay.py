"""The selftest mm/thp_swap_allocator_test workload on the real kernel.

tools/kernel-replay/kernel-replay sets up a zram device of its own and the
THP sizes, runs swapfs-kernel-replay and puts the host back. Here we check:
- the selftest's own parameters give the 0 % fallback the selftest expects;
- the stressed variants do fall back, clearly;
- the host is as before after every run, also after a failure or a signal;
- `swapfs sim --builtin selftest:...` agrees with the real kernel (skipped
  until `swapfs sim` exists).

Root and zram are needed; without them everything skips (exit 77). Other
active swap areas would take swap-outs and hide fallbacks, so the driver
refuses to run then, and the tests skip with its reason.
"""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import SWAPFS, is_root

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "..", "..", "tools", "kernel-replay",
                      "kernel-replay")
# <build>/src/cli/swapfs -> <build>/tools/kernel-replay/swapfs-kernel-replay
REPLAY = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(SWAPFS)))), "tools", "kernel-replay",
    "swapfs-kernel-replay")
THP = "/sys/kernel/mm/transparent_hugepage"
ZSWAP_ENABLED = "/sys/module/zswap/parameters/enabled"
ZRAM_CONTROL = "/sys/class/zram-control"
PAGE = os.sysconf("SC_PAGESIZE")
MTHP_ORDER = (64 * 1024 // PAGE).bit_length() - 1     # 4 with 4 KiB pages


def _why_not():
    if not is_root:
        return "needs root (zram, swapon, THP sysfs)"
    if not os.path.exists(os.path.join(ZRAM_CONTROL, "hot_add")):
        return "zram not available (no /sys/class/zram-control)"
    if not os.path.exists(os.path.join(THP, "hugepages-64kB", "stats",
                                       "swpout")):
        return "kernel has no 64 KiB mTHP swap counters"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None,
                                reason=_why_not() or "")

SELFTEST = {"area": "60M", "device": "64M", "rounds": "100"}

# The selftest's own parameters: the selftest expects 0 % either way.
OWN = [
    pytest.param(dict(SELFTEST, small="0"), id="selftest"),
    pytest.param(dict(SELFTEST, small="1"), id="selftest-s"),
]

# Stressed variants, with a floor well under what the kernel gave over
# seeds 1..8 (6.18 on a 2-CPU VM; min..max of the real share below). On a
# 64M zram device 64 KiB folios fit up to 992 (62M) with no fallback at
# all; the 993rd brings the first ones: as if only the 31 clusters without
# the header page could hold them.
STRESSED = [
    # 1008 folios, 16 more than those 992: 1.19..1.34 %
    pytest.param(dict(SELFTEST, area="63M", small="0"), 0.5,
                 id="nearly-full"),
    # 60M of mTHP next to 3M of churned order-0 pages, which by the
    # numbers cost the 64 KiB folios about one cluster: 2.76..3.01 %
    pytest.param(dict(SELFTEST, small="1", small_area="3M",
                      small_picks="768"), 1.5, id="order0-churn"),
    # a 63M device: its trailing half cluster gives 64 KiB folios no room,
    # as area=62M on a 62M device: 2.69..2.94 %
    pytest.param(dict(SELFTEST, area="62M", device="63M", small="0"), 1.5,
                 id="odd-device"),
]


# --------------------------------------------------------------------------
# host state: snapshot, compare, and a last-resort restore
# --------------------------------------------------------------------------

def _read(path):
    with open(path) as f:
        return f.read().strip()


def _choice(path):
    s = _read(path)
    return s[s.index("[") + 1:s.index("]")]


def host_state():
    thp = {}
    for name in sorted(os.listdir(THP)):
        path = os.path.join(THP, name, "enabled")
        if name.startswith("hugepages-") and os.path.exists(path):
            thp[path] = _choice(path)
    thp[os.path.join(THP, "enabled")] = _choice(os.path.join(THP, "enabled"))
    if os.path.exists(ZSWAP_ENABLED):
        thp[ZSWAP_ENABLED] = _read(ZSWAP_ENABLED)
    # zram areas only: test_list may swap its files on and off meanwhile
    with open("/proc/swaps") as f:
        swaps = [tuple(l.split()[i] for i in (0, 1, 2, 4))
                 for l in f.read().splitlines()[1:]
                 if l.startswith("/dev/zram")]
    zram = sorted(d for d in os.listdir("/sys/block") if d.startswith("zram"))
    return {"sysfs": thp, "swaps": swaps, "zram": zram}


def _write(path, value):
    try:
        with open(path, "w") as f:
            f.write(str(value))
    except OSError:
        pass


def emergency_restore(before, after):
    """The driver failed to clean up: undo what it left, ours only."""
    for dev in set(after["zram"]) - set(before["zram"]):
        subprocess.run(["swapoff", f"/dev/{dev}"], capture_output=True)
        for _ in range(20):
            _write(f"/sys/block/{dev}/reset", 1)
            _write(os.path.join(ZRAM_CONTROL, "hot_remove"), dev[4:])
            if not os.path.exists(f"/sys/block/{dev}"):
                break
            time.sleep(0.1)
    for path, old in before["sysfs"].items():
        if after["sysfs"].get(path) != old:
            _write(path, old)


@pytest.fixture(autouse=True)
def restored():
    """Every test must leave THP, zswap, zram and swap as it found them."""
    before = host_state()
    yield before
    after = host_state()
    if after != before:
        emergency_restore(before, after)
        pytest.fail(f"host not restored:\nbefore {before}\nafter  {after}")


# --------------------------------------------------------------------------
# running the driver
# --------------------------------------------------------------------------

def driver_cmd(params, *opts):
    # other tests (test_list) swap files on and off for a moment: wait for
    # them, and run again if one slipped in
    cmd = [DRIVER, "--wait-other-swap", "20", "--retry", "3", *opts]
    if os.access(REPLAY, os.X_OK):
        cmd += ["--replay", REPLAY]
    return cmd + [f"{k}={v}" for k, v in params.items()]


def run_driver(params, *opts, timeout=120):
    """Run the driver; a timeout ends it with SIGTERM so it can restore."""
    p = subprocess.Popen(driver_cmd(params, "--json", *opts),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=60)
        pytest.fail(f"kernel-replay took over {timeout}s: {err}")
    if p.returncode == 77:
        pytest.skip(f"kernel-replay cannot run here: {err.strip()}")
    assert p.returncode == 0, f"rc={p.returncode}\n{err}"
    return json.loads(out)


_real = {}


def real(params):
    """The real kernel's result for params, measured once per session."""
    key = tuple(sorted(params.items()))
    if key not in _real:
        _real[key] = run_driver(params)
    return _real[key]


def check_run(res, params):
    """What every good run looks like, whatever its share."""
    assert res["rounds"] == int(params["rounds"]) == len(res["per_round"])
    assert res["params"]["small"] == int(params["small"])
    assert res["max_swap_areas"] == 1 and not res["other_swap_during_run"]
    # the folios really were 64 KiB ones, and the counters moved
    assert res["anon_fault_fallback"] == 0, res
    assert res["swpout"] >= 100 * res["rounds"], res
    assert res["swpout"] + res["swpout_fallback"] == sum(
        r["swpout"] + r["swpout_fallback"] for r in res["per_round"])
    # all of mem1 was out at the end
    assert res["swap_used_kib"] >= res["params"]["area"] // 1024


# --------------------------------------------------------------------------
# 1. the real kernel
# --------------------------------------------------------------------------

@pytest.mark.parametrize("params", OWN)
def test_selftest_params_no_fallback(params):
    res = real(params)
    check_run(res, params)
    assert res["swpout_fallback"] == 0, (
        f"the kernel fell back on the selftest's own parameters: "
        f"{res['fallback_pct']}% ({res['swpout_fallback']} of "
        f"{res['swpout'] + res['swpout_fallback']})")
    assert res["fallback_pct"] == 0.0


@pytest.mark.parametrize("params,floor", STRESSED)
def test_stressed_falls_back(params, floor):
    res = real(params)
    check_run(res, params)
    assert res["fallback_pct"] > floor, res["fallback_pct"]
    # the device filled up first: no fallback in round 1
    assert res["per_round"][0]["swpout_fallback"] == 0


def test_other_seed_same_picture():
    """Another seed: the share moves a little, not across the floor."""
    params = dict(STRESSED[0].values[0], seed="7")
    res = run_driver(params)
    check_run(res, params)
    assert 0.5 < res["fallback_pct"] < 3.0


def test_summary_text():
    p = subprocess.run(driver_cmd({"rounds": "3"}), capture_output=True,
                       text=True, timeout=120)
    if p.returncode == 77:
        pytest.skip(p.stderr.strip())
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("Iteration 1: swpout inc: ")
    assert lines[0].endswith("Fallback percentage: 0.00%")
    fields = dict(f.split("=", 1) for f in lines[3].split()[1:])
    assert lines[3].startswith("summary ")
    assert fields["rounds"] == "3" and fields["area"] == "60M"
    assert fields["device"] == "64M" and fields["fallback_pct"] == "0.00"


# --------------------------------------------------------------------------
# 2. the host comes back: after a failure and after a signal
# --------------------------------------------------------------------------

def test_restored_after_failure():
    # hot_add has happened when the compressor is refused
    p = subprocess.run(driver_cmd({"rounds": "1"}, "--comp", "no-such-alg"),
                       capture_output=True, text=True, timeout=60)
    if p.returncode == 77:
        pytest.skip(p.stderr.strip())
    assert p.returncode == 1
    assert "no-such-alg" in p.stderr


def test_bad_parameter_is_usage_error():
    p = subprocess.run(driver_cmd({"area": "61K"}), capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    p = subprocess.run(driver_cmd({"frob": "1"}), capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 2 and "unknown parameter 'frob'" in p.stderr


def _new_zram_swap(before):
    with open("/proc/swaps") as f:
        names = [l.split()[0] for l in f.read().splitlines()[1:] if l.strip()]
    return [n for n in names if n.startswith("/dev/zram") and
            n not in [s[0] for s in before["swaps"]]]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_restored_after_signal(sig, restored):
    p = subprocess.Popen(driver_cmd({"rounds": "1000000"}, "--quiet"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    try:
        deadline = time.monotonic() + 30
        while not _new_zram_swap(restored) and p.poll() is None:
            assert time.monotonic() < deadline, "no zram swap came up"
            time.sleep(0.05)
        if p.poll() == 77:
            pytest.skip(p.stderr.read().strip())
        assert p.poll() is None, p.stderr.read()
        time.sleep(0.3)                 # mid-workload
        p.send_signal(sig)
        assert p.wait(60) == 130
        assert "host restored" in p.stderr.read()
    finally:
        if p.poll() is None:            # ours, by pid
            p.send_signal(signal.SIGTERM)
            p.wait(60)


# --------------------------------------------------------------------------
# 3. swapfs sim against the real kernel
# --------------------------------------------------------------------------

def _sim_available():
    try:
        return subprocess.run([SWAPFS, "sim", "--help"], capture_output=True,
                              timeout=30).returncode == 0
    except OSError:
        return False


def sim_share(params, tmp_path):
    spec = "selftest:" + ",".join(f"{k}={v}" for k, v in params.items())
    db = tmp_path / "s.db"
    p = subprocess.run([SWAPFS, "sim", "--builtin", spec, "-o", str(db)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"swapfs sim --builtin {spec}:\n{p.stderr}"
    p = subprocess.run([SWAPFS, "stat", str(db), "--json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rows = [c for c in json.loads(p.stdout)["counters"]
            if c["order"] == MTHP_ORDER]
    assert len(rows) == 1, f"no order-{MTHP_ORDER} counters: {p.stdout}"
    out, fb = rows[0]["swpout"], rows[0]["swpout_fallback"]
    assert out + fb > 0, f"the simulation swapped nothing out: {rows[0]}"
    return fb * 100.0 / (out + fb), rows[0]


@pytest.mark.parametrize("params", OWN)
def test_sim_selftest_params(params, tmp_path):
    if not _sim_available():
        pytest.skip("swapfs sim not available yet")
    res = real(params)
    share, row = sim_share(params, tmp_path)
    assert res["fallback_pct"] == 0.0
    assert share == 0.0, f"sim {share:.2f}% ({row}), real 0%"


@pytest.mark.parametrize("params,floor", STRESSED)
def test_sim_stressed(params, floor, tmp_path):
    if not _sim_available():
        pytest.skip("swapfs sim not available yet")
    res = real(params)
    share, row = sim_share(params, tmp_path)
    want = res["fallback_pct"]
    n = res["swpout"] + res["swpout_fallback"]
    # within 1 percentage point, or 25 % of the real share
    assert abs(share - want) <= max(1.0, 0.25 * want), (
        f"sim {share:.2f}% ({row}) vs real {want:.2f}% "
        f"({res['swpout_fallback']} of {n})")
