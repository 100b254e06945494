"""swapfs label and swapfs undo against util-linux swaplabel, blkid and the
real kernel.

Every edit is checked byte for byte: swaplabel is the reference for what an
edit writes, blkid for how it reads back, and swapon for whether the kernel
still takes the area. Refusals must leave the area untouched (sha256).
"""
import hashlib
import os
import random
import re
import shutil
import stat
import subprocess
import uuid as uuidlib

import pytest

from conftest import SWAPFS, make_file, mkswap, needs_root, parse_export, run, tool

PAGE = os.sysconf("SC_PAGESIZE")
OFF_IDS = 1036          # UUID (16 bytes) then label (16 bytes)
IDS_LEN = 32
MiB = 1024 * 1024

UUID_A = "11111111-2222-4333-8444-555555555555"
UUID_B = "0f1e2d3c-4b5a-4697-a8b9-cadbecfd0e1f"


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def data(path):
    with open(path, "rb") as f:
        return f.read()


def ids_bytes(path):
    with open(path, "rb") as f:
        f.seek(OFF_IDS)
        return f.read(IDS_LEN)


def poke(path, offset, raw):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(raw)


def fnv1a64_header(page):
    """undo.h's header_hash: FNV-1a 64 with the 32 id bytes read as zero."""
    h = 0xcbf29ce484222325
    for i, b in enumerate(page):
        if OFF_IDS <= i < OFF_IDS + IDS_LEN:
            b = 0
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def blkid_export(path):
    return parse_export(tool("blkid", "-p", "-o", "export", path).stdout)


def swapfs_export(path):
    return parse_export(run("header", "--export", path, check=0).stdout)


def twin_images(workdir, mkswap_args):
    """Two identical mkswap images (verified identical before any edit)."""
    a = mkswap(workdir / "a.img", *mkswap_args)
    b = workdir / "b.img"
    shutil.copyfile(a, b)
    os.chmod(b, 0o600)
    assert data(a) == data(b)
    return a, b


# --------------------------------------------------------------------------
# 1. byte identity with swaplabel
# --------------------------------------------------------------------------

IDENTITY_CASES = [
    # (mkswap args, swaplabel/swapfs args)
    pytest.param([], ["-L", "x", "-U", UUID_B], id="label-1-byte+uuid"),
    pytest.param(["-L", "old"], ["-L", "y"], id="label-1-byte-only"),
    pytest.param([], ["-L", "abcdefghijklmno"], id="label-15-bytes"),
    pytest.param(["-L", "longoldlabel123"], ["-L", "short"],
                 id="shorter-label-clears-tail"),
    pytest.param([], ["-L", "hello world"], id="label-with-space"),
    pytest.param([], ["-L", " lead  trail "], id="label-leading-trailing-blanks"),
    pytest.param(["-L", "old"], ["-L", ""], id="empty-label"),
    pytest.param(["-L", "keep"], ["-U", UUID_B], id="uuid-only"),
    pytest.param(["-L", "keep"], ["-U", UUID_B.upper()], id="uuid-uppercase"),
    pytest.param([], ["-U", "00000000-0000-0000-0000-000000000001"],
                 id="uuid-nearly-zero"),
    pytest.param(["-L", "old"], ["-L", "new label", "-U", UUID_B],
                 id="label-and-uuid"),
    pytest.param([], ["-U", UUID_B, "-L", "ordered"], id="uuid-then-label"),
]


@pytest.mark.parametrize("mkargs,args", IDENTITY_CASES)
def test_byte_identical_to_swaplabel(workdir, mkargs, args):
    a, b = twin_images(workdir, ["-U", UUID_A, *mkargs])
    before = data(a)
    tool("swaplabel", *args, a)
    p = run("label", *args, b, check=0)
    assert p.stdout == ""
    assert p.stderr == ""
    assert data(a) == data(b)
    # and something actually changed where swaplabel wrote (not a no-op pair)
    after = data(b)
    assert after[:OFF_IDS] == before[:OFF_IDS]
    assert after[OFF_IDS + IDS_LEN:] == before[OFF_IDS + IDS_LEN:]


def test_16_byte_label_is_not_truncated(workdir):
    """A 16-byte label fills sws_volume exactly (legal: the kernel and blkid
    read 16 bytes). swaplabel 2.38 truncates it to 15 (xstrncpy) with a
    warning; swapfs writes all 16. The images differ in that byte only."""
    label = "0123456789abcdef"
    assert len(label) == 16
    a, b = twin_images(workdir, ["-U", UUID_A])
    sl = tool("swaplabel", "-L", label, a)
    p = run("label", "-L", label, b, check=0)
    assert p.stderr == ""
    da, db = data(a), data(b)
    diff = [i for i in range(len(da)) if da[i] != db[i]]
    if not diff:
        # a swaplabel that does not truncate: then they must be identical
        assert "Truncating" not in sl.stderr
    else:
        assert "Truncating" in sl.stderr
        assert diff == [OFF_IDS + 16 + 15]
        assert da[diff[0]] == 0 and db[diff[0]] == ord("f")
    assert ids_bytes(b)[16:] == label.encode()
    assert blkid_export(b)["LABEL"] == label
    assert swapfs_export(b)["LABEL"] == label


# --------------------------------------------------------------------------
# 2. show: same output as swaplabel without options
# --------------------------------------------------------------------------

@pytest.mark.parametrize("mkargs", [
    ["-L", "demo", "-U", UUID_A],
    ["-L", "with space", "-U", UUID_B],
    ["-L", "abcdefghijklmno", "-U", UUID_A],
], ids=["plain", "space", "15-bytes"])
def test_show_matches_swaplabel(workdir, mkargs):
    img = mkswap(workdir / "s.img", *mkargs)
    before = sha(img)
    ref = tool("swaplabel", img)
    p = run("label", img, check=0)
    label = mkargs[1]
    assert p.stdout == f"LABEL: {label}\nUUID:  {mkargs[3]}\n"
    assert p.stdout == ref.stdout
    assert p.stderr == ""
    assert sha(img) == before


def test_show_after_edit(workdir):
    img = mkswap(workdir / "s.img", "-L", "one", "-U", UUID_A)
    run("label", "-L", "two", "-U", UUID_B, img, check=0)
    p = run("label", img, check=0)
    assert p.stdout == f"LABEL: two\nUUID:  {UUID_B}\n"
    assert p.stdout == tool("swaplabel", img).stdout


@pytest.mark.parametrize("mkargs,edit", [
    (["-U", UUID_A], None),
    (["-L", "demo"], ["-U", "clear"]),
], ids=["no-label", "cleared-uuid"])
def test_show_matches_swaplabel_without_label_or_uuid(workdir, mkargs, edit):
    img = mkswap(workdir / "s.img", *mkargs)
    if edit:
        run("label", *edit, img, check=0)
    ref = tool("swaplabel", img)
    p = run("label", img, check=0)
    assert p.stdout == ref.stdout


def test_show_not_a_swap_area(workdir):
    img = make_file(workdir / "zero.img", 1 * MiB)
    p = run("label", img, check=1)
    assert p.stdout == ""
    assert f"{img}: not a valid swap area" in p.stderr


# --------------------------------------------------------------------------
# 3. -U random / time / clear
# --------------------------------------------------------------------------

def test_uuid_random(workdir):
    a = mkswap(workdir / "a.img", "-L", "r", "-U", UUID_A)
    b = mkswap(workdir / "b.img", "-L", "r", "-U", UUID_A)
    run("label", "-U", "random", a, check=0)
    run("label", "-U", "random", b, check=0)
    ua, ub = swapfs_export(a)["UUID"], swapfs_export(b)["UUID"]
    for img, u in ((a, ua), (b, ub)):
        parsed = uuidlib.UUID(u)
        assert str(parsed) == u
        assert parsed.version == 4
        assert parsed.variant == uuidlib.RFC_4122
        assert blkid_export(img)["UUID"] == u
        assert ids_bytes(img)[:16] == parsed.bytes
        assert blkid_export(img)["LABEL"] == "r"      # label kept
    assert ua != ub
    assert UUID_A not in (ua, ub)


def test_uuid_time(workdir):
    img = mkswap(workdir / "t.img", "-L", "t", "-U", UUID_A)
    run("label", "-U", "time", img, check=0)
    u = swapfs_export(img)["UUID"]
    parsed = uuidlib.UUID(u)
    assert parsed.version == 1
    assert parsed.variant == uuidlib.RFC_4122
    assert blkid_export(img)["UUID"] == u
    assert ids_bytes(img)[:16] == parsed.bytes


def test_uuid_clear(workdir):
    img = mkswap(workdir / "c.img", "-L", "keepme", "-U", UUID_A)
    run("label", "-U", "clear", img, check=0)
    assert ids_bytes(img)[:16] == b"\0" * 16
    b = blkid_export(img)
    assert "UUID" not in b
    assert b["LABEL"] == "keepme"
    assert b["TYPE"] == "swap"
    s = swapfs_export(img)
    assert "UUID" not in s
    assert s["LABEL"] == "keepme"


def test_padding_untrusted_warns(workdir):
    """padding[32] non-zero: blkid ignores the ids; the edit is made and
    swapfs warns about it."""
    img = mkswap(workdir / "p.img", "-L", "old", "-U", UUID_A)
    poke(img, 1196, b"\x01")
    p = run("label", "-L", "new", img, check=0)
    assert "padding[32..33] are not zero" in p.stderr
    assert ids_bytes(img)[16:] == b"new" + b"\0" * 13


# --------------------------------------------------------------------------
# 4. refusals: exit 1, nothing written
# --------------------------------------------------------------------------

def _hibernation(path):
    mkswap(path, "-L", "hib", "-U", UUID_A)
    poke(path, PAGE - 10, b"S1SUSPEND")


def _tuxonice(path):
    mkswap(path, "-L", "tux", "-U", UUID_A)
    poke(path, 0, bytes.fromhex("edc302e99856e50c"))


def _zeros(path):
    make_file(path, 10 * MiB)


def _version2(path):
    mkswap(path, "-L", "v2", "-U", UUID_A)
    poke(path, 1024, (2).to_bytes(4, "little"))


def _last_page0(path):
    mkswap(path, "-L", "lp0", "-U", UUID_A)
    poke(path, 1028, (0).to_bytes(4, "little"))


@pytest.mark.parametrize("make,why", [
    (_hibernation, "holds a hibernation image (s1suspend)"),
    (_tuxonice, "holds a hibernation image (tuxonice)"),
    (_zeros, "not a valid swap area: no swap v1 signature (SWAPSPACE2)"),
    (_version2, "not a valid swap area: header version is not 1"),
    (_last_page0, "not a valid swap area: last_page is 0"),
], ids=["s1suspend", "tuxonice", "no-signature", "version-2", "last-page-0"])
@pytest.mark.parametrize("args", [["-L", "x"], ["-U", UUID_B],
                                  ["-L", "x", "-U", "random"]],
                         ids=["L", "U", "LU"])
def test_refusal(workdir, make, why, args):
    img = workdir / "r.img"
    make(img)
    before = sha(img)
    undo = workdir / "r.undo"
    p = run("label", *args, "--undo", undo, img, check=1)
    assert p.stdout == ""
    assert p.stderr.startswith(f"swapfs: {img}: ")
    assert why in p.stderr
    assert p.stderr.rstrip().endswith("nothing written")
    assert sha(img) == before
    assert not undo.exists()


# --------------------------------------------------------------------------
# 5. usage errors: exit 2, nothing written
# --------------------------------------------------------------------------

def test_label_17_bytes(workdir):
    img = mkswap(workdir / "u.img", "-L", "orig", "-U", UUID_A)
    before = sha(img)
    p = run("label", "-L", "0123456789abcdefg", img, check=2)
    assert "invalid label '0123456789abcdefg'" in p.stderr
    assert "would be truncated" in p.stderr
    assert "Try 'swapfs label --help'" in p.stderr
    assert sha(img) == before


def test_bad_uuid(workdir):
    img = mkswap(workdir / "u.img", "-L", "orig", "-U", UUID_A)
    before = sha(img)
    for bad in ("not-a-uuid", "11111111-2222-4333-8444-55555555555",
                "11111111222243338444555555555555x", ""):
        p = run("label", "-L", "x", "-U", bad, img, check=2)
        assert f"invalid UUID '{bad}'" in p.stderr
        assert sha(img) == before


def test_no_target():
    p = run("label", "-L", "x", check=2)
    assert "no target specified" in p.stderr
    p = run("label", check=2)
    assert "no target specified" in p.stderr


def test_two_targets_and_undo_without_edit(workdir):
    a = mkswap(workdir / "a.img", "-L", "a")
    b = mkswap(workdir / "b.img", "-L", "b")
    ha, hb = sha(a), sha(b)
    p = run("label", "-L", "x", a, b, check=2)
    assert "only one target at a time" in p.stderr
    p = run("label", "--undo", workdir / "u", a, check=2)
    assert "--undo needs -L or -U" in p.stderr
    assert not (workdir / "u").exists()
    assert (sha(a), sha(b)) == (ha, hb)


def test_missing_target(workdir):
    p = run("label", "-L", "x", workdir / "nope", check=3)
    assert f"{workdir / 'nope'}: No such file or directory" in p.stderr


def test_not_file_or_device(workdir):
    p = run("label", "-L", "x", "/dev/null", check=1)
    assert "/dev/null: not a regular file or block device" in p.stderr
    p = run("label", "-L", "x", workdir, check=1)
    assert "not a regular file or block device" in p.stderr


# --------------------------------------------------------------------------
# 6. --undo and swapfs undo
# --------------------------------------------------------------------------

def read_undo(path):
    keys = {}
    lines = open(path).read().splitlines()
    for line in lines:
        if not line or line.startswith("#"):
            continue
        k, sep, v = line.partition(": ")
        assert sep, line
        assert k not in keys, f"duplicate {k}"
        keys[k] = v
    return lines, keys


@pytest.fixture
def edited(workdir):
    """An image labelled with --undo: (image, undo file, original bytes)."""
    img = mkswap(workdir / "e.img", "-L", "orig", "-U", UUID_A)
    orig = data(img)
    undo = workdir / "e.undo"
    run("label", "-L", "edited", "-U", UUID_B, "--undo", undo, img, check=0)
    return img, undo, orig


def test_undo_file_contents(edited):
    img, undo, orig = edited
    assert undo.exists()
    st = os.stat(undo)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert stat.S_ISREG(st.st_mode)
    lines, keys = read_undo(undo)
    assert set(keys) == {"format", "target", "page_size", "offset", "old",
                         "new", "header_hash"}
    assert keys["format"] == "swapfs-undo 1"
    assert keys["target"] == str(img)
    assert keys["page_size"] == str(PAGE)
    assert keys["offset"] == "1036"
    assert keys["old"] == orig[OFF_IDS:OFF_IDS + IDS_LEN].hex()
    assert keys["old"] == (uuidlib.UUID(UUID_A).bytes + b"orig".ljust(16, b"\0")).hex()
    assert keys["new"] == ids_bytes(img).hex()
    assert keys["new"] == (uuidlib.UUID(UUID_B).bytes + b"edited".ljust(16, b"\0")).hex()
    assert re.fullmatch(r"[0-9a-f]{16}", keys["header_hash"])
    assert int(keys["header_hash"], 16) == fnv1a64_header(orig[:PAGE])
    assert int(keys["header_hash"], 16) == fnv1a64_header(data(img)[:PAGE])
    # the edit itself touched only the 32 bytes
    now = data(img)
    assert now[:OFF_IDS] == orig[:OFF_IDS]
    assert now[OFF_IDS + IDS_LEN:] == orig[OFF_IDS + IDS_LEN:]


def test_undo_restores_then_refuses_twice(edited):
    img, undo, orig = edited
    p = run("undo", undo, check=0)
    assert p.stderr == ""
    assert data(img) == orig
    assert blkid_export(img)["LABEL"] == "orig"
    assert blkid_export(img)["UUID"] == UUID_A
    p = run("undo", undo, check=1)
    assert f"swapfs: {img}: " in p.stderr
    assert "already undone" in p.stderr
    assert "changed since the edit" not in p.stderr
    assert "nothing written" in p.stderr
    assert data(img) == orig


def test_undo_explicit_target(edited, workdir):
    img, undo, orig = edited
    other = workdir / "copy.img"
    shutil.copyfile(img, other)
    edited_bytes = data(img)
    run("undo", undo, other, check=0)
    assert data(other) == orig
    assert data(img) == edited_bytes          # the recorded target untouched


def test_undo_refuses_different_header(workdir):
    img = mkswap(workdir / "e.img", "-L", "orig", "-U", UUID_A)
    undo = workdir / "e.undo"
    run("label", "-L", "edited", "-U", UUID_B, "--undo", undo, img, check=0)
    # same ids as the edit wrote, but a different last_page
    tool("mkswap", "-q", "-L", "edited", "-U", UUID_B, img, 8192)
    assert ids_bytes(img) == bytes.fromhex(read_undo(undo)[1]["new"])
    before = sha(img)
    p = run("undo", undo, check=1)
    assert f"swapfs: {img}: " in p.stderr
    assert "the header differs from the one the undo file was made from" in p.stderr
    assert "nothing written" in p.stderr
    assert sha(img) == before


def test_undo_refuses_changed_ids(edited):
    img, undo, orig = edited
    run("label", "-L", "third", img, check=0)
    before = sha(img)
    p = run("undo", undo, check=1)
    assert "UUID or label changed since the edit" in p.stderr
    assert sha(img) == before


def test_existing_undo_file_is_kept(edited):
    """The earlier way back is never lost: an existing undo file is refused."""
    img, undo, orig = edited
    saved, before = undo.read_bytes(), sha(img)
    p = run("label", "-L", "third", "--undo", undo, img, check=1)
    assert f"swapfs: {undo}: exists; use --force" in p.stderr
    assert "nothing written" in p.stderr
    assert undo.read_bytes() == saved and sha(img) == before
    # the first undo file still takes the area back
    run("undo", undo, check=0)
    assert data(img) == orig


def test_force_replaces_undo_file(edited):
    img, undo, orig = edited
    edited_bytes = data(img)
    run("label", "-L", "third", "--undo", undo, "--force", img, check=0)
    assert read_undo(undo)[1]["old"] == edited_bytes[OFF_IDS:OFF_IDS + IDS_LEN].hex()
    run("undo", undo, check=0)
    assert data(img) == edited_bytes


def test_force_needs_undo(workdir):
    img = mkswap(workdir / "f.img", "-L", "orig")
    p = run("label", "-L", "x", "--force", img, check=2)
    assert "--force needs --undo" in p.stderr


def test_fifos_do_not_hang(workdir):
    """A FIFO as target, undo file or undo target is refused at once, exit 1."""
    fifo = workdir / "fifo"
    os.mkfifo(fifo)
    img = mkswap(workdir / "ff.img", "-L", "orig")
    before = sha(img)
    cases = [(["label", fifo], "not a regular file or block device"),
             (["label", "-L", "x", fifo], "not a regular file or block device"),
             (["header", fifo], "not a regular file or block device"),
             (["header", "--export", fifo], "not a regular file or block device"),
             (["undo", fifo], "not a regular file"),
             (["label", "-L", "x", "--undo", fifo, img], "not a regular file"),
             (["label", "-L", "x", "--undo", fifo, "--force", img], "not a regular file")]
    for args, why in cases:
        p = subprocess.run([SWAPFS, *map(str, args)], capture_output=True, text=True,
                           timeout=20)
        assert p.returncode == 1, (args, p.stderr)
        assert f"{fifo}: " in p.stderr and why in p.stderr, (args, p.stderr)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and sha(img) == before
    undo = workdir / "ff.undo"
    run("label", "-L", "new", "--undo", undo, img, check=0)
    p = subprocess.run([SWAPFS, "undo", str(undo), str(fifo)], capture_output=True,
                       text=True, timeout=20)
    assert p.returncode == 1 and f"{fifo}: not a regular file or block device" in p.stderr


def test_undo_usage(workdir):
    p = run("undo", check=2)
    assert "no undo file specified" in p.stderr
    p = run("undo", "a", "b", "c", check=2)
    assert "too many arguments" in p.stderr
    p = run("undo", workdir / "absent.undo", check=3)
    assert f"{workdir / 'absent.undo'}: No such file or directory" in p.stderr


def _drop(key):
    return lambda lines: [l for l in lines if not l.startswith(key + ":")]


def _replace(key, value):
    return lambda lines: [f"{key}: {value}" if l.startswith(key + ":") else l
                          for l in lines]


def _append(*extra):
    return lambda lines: lines + list(extra)


MALFORMED = [
    # the valid file is: comment, format, target, page_size, offset, old,
    # new, header_hash (lines 1..8)
    pytest.param(_drop("header_hash"), "line 7: missing key 'header_hash'",
                 id="missing-key"),
    pytest.param(_drop("format"), "missing key 'format'", id="missing-format"),
    pytest.param(_replace("old", "zz" * 32), "line 6: old: expected 64 hex digits",
                 id="bad-hex"),
    pytest.param(_replace("new", "ab" * 31), "line 7: new: expected 64 hex digits",
                 id="short-hex"),
    pytest.param(_replace("header_hash", "0123456789abcdeg"),
                 "line 8: header_hash: expected 16 hex digits", id="bad-hash"),
    pytest.param(_replace("header_hash", "0123456789abcdef0"),
                 "line 8: header_hash: expected 16 hex digits", id="long-hash"),
    pytest.param(_replace("target", ""), "line 3: target: expected a path",
                 id="empty-target"),
    pytest.param(_append("colour: blue"), "line 9: unknown key 'colour'",
                 id="unknown-key"),
    pytest.param(_append("page_size: 4096"), "line 9: 'page_size' given twice",
                 id="duplicated-key"),
    pytest.param(_replace("format", "swapfs-undo 2"),
                 "line 2: format: expected 'swapfs-undo 1'", id="wrong-format"),
    pytest.param(_replace("offset", "1037"), "line 5: offset: expected 1036",
                 id="wrong-offset"),
    pytest.param(_replace("page_size", "4095"),
                 "line 4: page_size: expected a power of two from 4096 to 262144",
                 id="bad-page-size"),
    pytest.param(_append("no colon here"), "line 9: expected 'key: value'",
                 id="no-colon"),
]


@pytest.mark.parametrize("mutate,why", MALFORMED)
def test_undo_malformed(edited, workdir, mutate, why):
    img, undo, orig = edited
    lines = open(undo).read().splitlines()
    assert len(lines) == 8
    bad = workdir / "bad.undo"
    bad.write_text("\n".join(mutate(lines)) + "\n")
    before = sha(img)
    p = run("undo", bad, check=1)
    assert p.stderr.startswith(f"swapfs: {bad}: line ")
    assert why in p.stderr
    assert sha(img) == before
    # the unmodified file still works
    run("undo", undo, check=0)
    assert data(img) == orig


@pytest.mark.parametrize("mutate,why", [
    (_replace("header_hash", "0x0123456789abcd"),
     "line 8: header_hash: expected 16 hex digits"),
    (_replace("header_hash", " 0123456789abcde"),
     "line 8: header_hash: expected 16 hex digits"),
    (_replace("page_size", " 4096"), "line 4: page_size: expected"),
], ids=["hash-0x-prefix", "hash-leading-blank", "page-size-leading-blank"])
def test_undo_malformed_numbers_strict(edited, workdir, mutate, why):
    img, undo, orig = edited
    lines = open(undo).read().splitlines()
    bad = workdir / "bad.undo"
    bad.write_text("\n".join(mutate(lines)) + "\n")
    p = run("undo", bad)
    assert p.returncode == 1
    assert why in p.stderr


@pytest.mark.parametrize("garbage,why", [
    (b"A" * MiB, "line 1: line longer than 4160 bytes"),
    (b"# comment\n" * (MiB // 10), "file longer than 16384 bytes"),
    (b"x" * 99 + b"\n" + b"y" * MiB, "line 1: expected 'key: value'"),
    (random.Random(1).randbytes(MiB), "line "),
], ids=["one-long-line", "many-comments", "text", "random-bytes"])
def test_undo_garbage(edited, workdir, garbage, why):
    img, undo, orig = edited
    bad = workdir / "garbage.undo"
    bad.write_bytes(garbage)
    before = sha(img)
    p = run("undo", bad, check=1)
    assert p.stderr.startswith(f"swapfs: {bad}: line ")
    assert why in p.stderr
    assert sha(img) == before


def test_undo_file_not_written_on_usage_error(workdir):
    img = mkswap(workdir / "u.img", "-L", "orig")
    undo = workdir / "u.undo"
    run("label", "-L", "x" * 17, "--undo", undo, img, check=2)
    assert not undo.exists()


def test_undo_file_unwritable_means_no_edit(workdir):
    img = mkswap(workdir / "u.img", "-L", "orig")
    before = sha(img)
    p = run("label", "-L", "x", "--undo", workdir / "no" / "such" / "u.undo",
            img, check=3)
    assert "No such file or directory" in p.stderr
    assert sha(img) == before


def test_undo_file_unwritable_message_names_undo_file(workdir):
    img = mkswap(workdir / "u.img", "-L", "orig")
    where = workdir / "no" / "such" / "u.undo"
    p = run("label", "-L", "x", "--undo", where, img, check=3)
    assert str(where) in p.stderr


def test_undo_relative_target_from_other_cwd(workdir):
    img = mkswap(workdir / "rel.img", "-L", "orig", "-U", UUID_A)
    orig = data(img)
    subprocess.run([SWAPFS, "label", "-L", "new", "--undo", "rel.undo",
                    "rel.img"], cwd=workdir, check=True, capture_output=True)
    assert data(img) != orig
    p = subprocess.run([SWAPFS, "undo", str(workdir / "rel.undo")], cwd="/",
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert data(img) == orig


# --------------------------------------------------------------------------
# 7. the real kernel
# --------------------------------------------------------------------------

def swapoff_quiet(path):
    subprocess.run(["swapoff", str(path)], capture_output=True)


def active_names():
    with open("/proc/swaps") as f:
        return [line.split()[0].replace("\\040", " ")
                for line in f.read().splitlines()[1:] if line.strip()]


@needs_root
def test_kernel_accepts_edited_area(workdir):
    img = mkswap(workdir / "k.img", "-L", "before", "-U", UUID_A, size=16 * MiB)
    new_uuid = "c0ffee00-1234-4abc-8def-0123456789ab"
    run("label", "-L", "newlabel", "-U", new_uuid, img, check=0)
    r = run("header", "--export", img, check=0)
    assert parse_export(r.stdout)["KERNEL_OK"] == "yes"
    tool("swapon", img)
    try:
        out = tool("swapon", "--show=NAME,LABEL,UUID", "--noheadings",
                   "--raw").stdout
        rows = [l.split(" ") for l in out.splitlines()]
        assert [str(img), "newlabel", new_uuid] in rows
    finally:
        swapoff_quiet(img)
    assert str(img) not in active_names()


@needs_root
def test_refuses_active_file_and_hard_link(workdir):
    img = mkswap(workdir / "act.img", "-L", "active", "-U", UUID_A,
                 size=16 * MiB)
    link = workdir / "other-name.img"
    os.link(img, link)
    tool("swapon", img)
    try:
        before = sha(img)
        for target in (img, link):
            for args in (["-L", "x"], ["-U", "random"]):
                undo = workdir / "act.undo"
                p = run("label", *args, "--undo", undo, target, check=1)
                assert f"swapfs: {target}: active swap area ({img})" in p.stderr
                assert "swapoff it first; nothing written" in p.stderr
                assert not undo.exists()
                assert sha(img) == before
    finally:
        swapoff_quiet(img)
    assert str(img) not in active_names()
    # once off, the same command works
    run("label", "-L", "x", link, check=0)
    assert ids_bytes(img)[16:] == b"x" + b"\0" * 15


@needs_root
def test_undo_refuses_active_area(workdir):
    img = mkswap(workdir / "u.img", "-L", "orig", "-U", UUID_A, size=16 * MiB)
    undo = workdir / "u.undo"
    run("label", "-L", "edited", "--undo", undo, img, check=0)
    tool("swapon", img)
    try:
        before = sha(img)
        p = run("undo", undo, check=1)
        assert "active swap area" in p.stderr
        assert sha(img) == before
    finally:
        swapoff_quiet(img)
    run("undo", undo, check=0)
    assert blkid_export(img)["LABEL"] == "orig"


ZRAM_CONTROL = "/sys/class/zram-control"


@needs_root
@pytest.mark.skipif(not os.path.isdir(ZRAM_CONTROL), reason="no zram-control")
def test_refuses_active_zram(workdir):
    with open(f"{ZRAM_CONTROL}/hot_add") as f:
        n = int(f.read().strip())
    dev = f"/dev/zram{n}"
    swapped = False
    try:
        with open(f"/sys/block/zram{n}/disksize", "w") as f:
            f.write("64M")
        tool("mkswap", "-q", "-L", "zlabel", "-U", UUID_A, dev)
        tool("swapon", dev)
        swapped = True
        with open(dev, "rb") as f:
            before = f.read(PAGE)
        p = run("label", "-L", "x", dev, check=1)
        assert f"swapfs: {dev}: active swap area ({dev})" in p.stderr
        assert "nothing written" in p.stderr
        p = run("label", "-U", UUID_B, dev, check=1)
        assert "active swap area" in p.stderr
        with open(dev, "rb") as f:
            assert f.read(PAGE) == before
    finally:
        if swapped:
            swapoff_quiet(dev)
        with open(f"{ZRAM_CONTROL}/hot_remove", "w") as f:
            f.write(str(n))
    assert dev not in active_names()
    assert not os.path.exists(f"/sys/block/zram{n}")


def losetup(img):
    return tool("losetup", "-f", "--show", img).stdout.strip()


@needs_root
def test_label_tag_resolves_loop_device(workdir):
    tag = f"swt{os.getpid() % 100000}{random.randrange(10**6)}"[:16]
    img = mkswap(workdir / "loop.img", "-L", tag, size=8 * MiB)
    dev = losetup(img)
    try:
        blk = subprocess.run(["blkid", "-L", tag], capture_output=True,
                             text=True)
        p = run("header", "--export", f"LABEL={tag}")
        if blk.returncode == 0:
            assert blk.stdout.strip() == dev
            assert p.returncode == 0, p.stderr
            exp = parse_export(p.stdout)
            assert exp["DEVNAME"] == dev
            assert exp["LABEL"] == tag
            assert exp["TYPE"] == "swap"
            u = exp["UUID"]
            q = run("header", "--export", f"UUID={u}", check=0)
            assert parse_export(q.stdout)["DEVNAME"] == dev
            # an edit through the tag lands on the device, and the file
            run("label", "-U", UUID_B, f"LABEL={tag}", check=0)
            assert ids_bytes(img)[:16] == uuidlib.UUID(UUID_B).bytes
            assert ids_bytes(img)[16:] == tag.encode().ljust(16, b"\0")
        else:
            # blkid cannot resolve it here: neither may swapfs
            assert p.returncode == 3
            assert f"LABEL={tag}: no such swap area" in p.stderr
    finally:
        tool("losetup", "-d", dev, check=False)
    assert dev not in tool("losetup", "-a").stdout.split(":")


def test_unknown_label_tag():
    p = run("label", "-L", "x", "LABEL=swapfs-no-such-label-xyz", check=3)
    assert "LABEL=swapfs-no-such-label-xyz: no such swap area" in p.stderr


@needs_root
def test_label_tag_stale_cache_edits_other_area(workdir):
    tag = f"stale{os.getpid() % 100000}{random.randrange(10**5)}"[:16]
    a = mkswap(workdir / "alpha.img", "-L", tag, size=8 * MiB)
    b = mkswap(workdir / "beta.img", "-L", "beta-other", size=8 * MiB)
    dev = losetup(a)
    try:
        run("header", "--export", f"LABEL={tag}", check=0)   # fills the cache
    finally:
        tool("losetup", "-d", dev, check=False)
    dev2 = losetup(b)
    try:
        if dev2 != dev:
            pytest.skip("loop device number not reused")
        before = sha(b)
        p = run("label", "-L", "pwned", f"LABEL={tag}")
        # whatever else happens, the area labelled beta-other must not change
        assert sha(b) == before, p.stderr
        assert p.returncode != 0
    finally:
        tool("losetup", "-d", dev2, check=False)
