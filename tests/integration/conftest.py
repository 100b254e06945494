"""Shared fixtures for the swapfs integration tests.

Every test runs the real swapfs binary (path in $SWAPFS, set by meson) on
images it builds itself with the real mkswap. Tests that need root (swapon,
loop devices) skip when not root; a file whose tests all skipped exits 77 so
meson reports SKIP, not OK.
"""
import fcntl
import os
import shutil
import subprocess
import time

import pytest

SWAPFS = os.environ.get("SWAPFS") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "src", "cli", "swapfs")


def run(*args, check=None, input=None):
    """Run swapfs with args; return CompletedProcess (text)."""
    p = subprocess.run([SWAPFS, *map(str, args)], capture_output=True,
                       text=True, input=input)
    if check is not None:
        assert p.returncode == check, (
            f"swapfs {' '.join(map(str, args))}: rc={p.returncode}\n"
            f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def tool(*args, check=True, **kw):
    """Run a system tool (mkswap, blkid, swaplabel...)."""
    return subprocess.run(list(map(str, args)), capture_output=True, text=True,
                          check=check, **kw)


def make_file(path, size):
    """A fully allocated file of size bytes (no holes: swapon accepts it)."""
    with open(path, "wb") as f:
        f.write(b"\0" * size)
    os.chmod(path, 0o600)
    return path


def mkswap(path, *args, size=10 * 1024 * 1024):
    """A real mkswap image; size bytes, fully allocated."""
    make_file(path, size)
    tool("mkswap", "-q", *args, path)
    return path


def parse_export(text):
    """KEY=value lines (blkid) or KEY="value" lines (swapfs) to a dict."""
    import shlex
    out = {}
    for line in text.splitlines():
        if "=" not in line:
            continue
        key, _, val = line.partition("=")
        out[key] = shlex.split(val)[0] if val else ""
    return out


FUSERMOUNT = shutil.which("fusermount3")


# ---- mounting ----

def in_mountinfo(mnt):
    """Whether mnt is a mount point, even one whose daemon died (ENOTCONN)."""
    mnt = os.path.realpath(mnt)
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == mnt for line in f)


def fusermount(mnt, lazy=False, user=None):
    cmd = [FUSERMOUNT, "-u", *(["-z"] if lazy else []), str(mnt)]
    if user:
        cmd = ["runuser", "-u", user, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True)


def wait_for_mount(proc, mnt, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.ismount(mnt):
            return
        if proc.poll() is not None:
            raise AssertionError(f"swapfs mount exited {proc.returncode}: "
                                 f"{proc.stderr.read()}")
        time.sleep(0.02)
    raise AssertionError(f"{mnt} not mounted after {timeout} s")


def write_value(path, value):
    """One write(2) of value, as echo does; returns the errno or 0."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    except OSError as e:
        return e.errno
    try:
        os.write(fd, value.encode())
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


class Mount:
    """swapfs mount -f SRC MNT in a subprocess, for a with block.

    Leaving the block normally unmounts with fusermount3 -u and asserts
    that both it and the daemon exit 0; after a failure it cleans up with
    fusermount3 -u -z and kills its own daemon if it must.
    """

    def __init__(self, src, mnt, *args, wrap=(), timeout=30):
        self.src, self.mnt, self.args = str(src), str(mnt), list(map(str, args))
        self.wrap, self.timeout = list(wrap), timeout
        os.makedirs(self.mnt, exist_ok=True)
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(
            [*self.wrap, SWAPFS, "mount", "-f", *self.args, self.src, self.mnt],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_mount(self.proc, self.mnt, self.timeout)
        except BaseException:
            self.cleanup()
            raise
        return self

    def path(self, *parts):
        return os.path.join(self.mnt, *map(str, parts))

    def read(self, *parts):
        with open(self.path(*parts)) as f:
            return f.read()

    def unmount(self):
        p = fusermount(self.mnt)
        assert p.returncode == 0, p.stderr
        rc = self.proc.wait(timeout=self.timeout)
        err = self.proc.stderr.read()
        self.stderr = err           # the daemon's log with -f
        assert rc == 0, err
        # the sanitizer builds report without failing when not told to halt
        assert "runtime error" not in err and "Sanitizer" not in err, err

    def cleanup(self):
        if in_mountinfo(self.mnt):
            fusermount(self.mnt, lazy=True)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self.proc.poll() is None:
            try:
                self.unmount()
            except BaseException:
                self.cleanup()
                raise
        else:
            self.cleanup()
        return False


is_root = os.geteuid() == 0
needs_root = pytest.mark.skipif(not is_root, reason="needs root (swapon, loop devices)")


# The modules that swapon, add zram devices or change THP settings: the
# kernel's swap state is one for the whole machine, so two runs of them at
# once (two checkouts, a developer's and a script's) would see each other's
# areas. Each such module holds this lock while it runs.
KERNEL_SWAP_MODULES = {
    "test_capture", "test_diff_live", "test_header_corpus", "test_kernel_replay", "test_label",
    "test_list", "test_live", "test_mount", "test_mount_live", "test_prometheus",
    "test_swapview_live", "test_sim_areas", "test_areas_live",
}
KERNEL_SWAP_LOCK = "/run/swapfs-tests.kernel-swap.lock"


@pytest.fixture(scope="module", autouse=True)
def kernel_swap_lock(request):
    """Hold the machine's swap state for a module that changes it (root only)."""
    if not is_root or request.module.__name__ not in KERNEL_SWAP_MODULES:
        yield
        return
    with open(KERNEL_SWAP_LOCK, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for {KERNEL_SWAP_LOCK} (another run uses swap)")
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


@pytest.fixture
def swapfs():
    return run


@pytest.fixture
def workdir(tmp_path):
    """A directory on a real filesystem (swapon refuses tmpfs files)."""
    return tmp_path


def pytest_sessionfinish(session, exitstatus):
    rep = session.config.pluginmanager.get_plugin("terminalreporter")
    if rep is None or exitstatus != 0:
        return
    passed = len(rep.stats.get("passed", []))
    skipped = len(rep.stats.get("skipped", []))
    if skipped and not passed:
        session.exitstatus = 77
