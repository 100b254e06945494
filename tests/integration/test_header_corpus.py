"""swapfs header against blkid and the real kernel, over a corpus it builds.

The corpus: real mkswap images (page sizes 4/8/16/64/256 KiB, with and without
label and UUID, -U clear, long labels) and crafted ones (byte-swapped headers,
every hibernation signature, v0, truncated, empty, bad-page lists, version 2,
last_page 0 or beyond the file, huge nr_badpages, bad page 0 or beyond
last_page, duplicates, garbage in the padding, holes).

For each image:
  * `swapfs header --export` begins with exactly what `blkid -p -o export`
    prints (byte for byte: libblkid's own probe, blkid's escaping), and has
    no identification key where blkid has none;
  * the verdict is the reason code the kernel's rules give (written down per
    case below) for a kernel with the image's own page size, and
    no-signature for this kernel when the image was made for another;
  * as root, the real kernel is asked: swapon(2) on the file (or on a loop
    device for bad-page lists) succeeds exactly when swapfs says
    KERNEL_OK=yes, whatever page size the image was made for. swapon(2) is
    called directly: swapon(8) would rewrite hibernation signatures.
"""
import ctypes
import json
import os
import struct
import subprocess

import pytest

from conftest import SWAPFS, is_root, make_file, mkswap, parse_export, run, tool

UUID = "6a1f3c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"
MiB = 1024 * 1024
PAGE = os.sysconf("SC_PAGESIZE")
TOI = bytes([0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c])

libc = ctypes.CDLL(None, use_errno=True)


def patch(path, off, data):
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(data)


def put32(path, off, *vals, fmt="<"):
    patch(path, off, struct.pack(fmt + "%dI" % len(vals), *vals))


def base(path, *args, size=10 * MiB):
    return mkswap(path, "-L", "corpus", "-U", UUID, *args, size=size)


def swapped(path):
    """Rewrite a little-endian mkswap header in big-endian byte order."""
    with open(path, "rb") as f:
        f.seek(1024)
        ver, last, nbad = struct.unpack("<3I", f.read(12))
    put32(path, 1024, ver, last, nbad, fmt=">")


def truncated(size):
    def build(path):
        base(path)
        os.truncate(path, size)
    return build


# name -> (builder, expected verdict on a file, on a block device or None)
CASES = {
    "mk-4k": (lambda p: base(p), "", ""),
    "mk-8k": (lambda p: base(p, "-p", "8192"), "", None),
    "mk-16k": (lambda p: base(p, "-p", "16384"), "", None),
    "mk-64k": (lambda p: base(p, "-p", "65536"), "", None),
    "mk-256k": (lambda p: base(p, "-p", "262144", size=64 * MiB), "", None),
    "mk-nolabel": (lambda p: mkswap(p, "-U", UUID), "", None),
    "mk-uuid-clear": (lambda p: mkswap(p, "-L", "noid", "-U", "clear"), "", None),
    "mk-long-label": (lambda p: mkswap(p, "-L", "abcdefghijklmnopqrstuvwxyz", "-U", UUID), "", None),
    "mk-label-16": (lambda p: mkswap(p, "-L", "0123456789abcdef"), "", None),
    "mk-label-blank": (lambda p: mkswap(p, "-L", "my swap  area"), "", None),
    "mk-label-blanks-only": (lambda p: mkswap(p, "-L", "   "), "", None),
    "foreign": (lambda p: (base(p), swapped(p)), "", ""),
    "foreign-huge-badpages": (lambda p: (base(p), put32(p, 1032, 0xffffffff), swapped(p)),
                              "too-many-badpages", "too-many-badpages"),
    "s1suspend": (lambda p: (base(p), patch(p, 4086, b"S1SUSPEND")), "no-signature", None),
    "s2suspend": (lambda p: (base(p), patch(p, 4086, b"S2SUSPEND")), "no-signature", None),
    "ulsuspend": (lambda p: (base(p), patch(p, 4086, b"ULSUSPEND")), "no-signature", None),
    "linhib0001": (lambda p: (base(p), patch(p, 4086, b"LINHIB0001")), "no-signature", None),
    "s1suspend-64k": (lambda p: (base(p, "-p", "65536"), patch(p, 65526, b"S1SUSPEND")),
                      "no-signature", None),
    "tuxonice": (lambda p: (base(p), patch(p, 0, TOI)), "", ""),
    "v0": (lambda p: (make_file(p, 10 * MiB), patch(p, 4086, b"SWAP-SPACE")), "no-signature", None),
    "truncated-20k": (truncated(20480), "too-short", None),
    "truncated-4k": (truncated(4096), "too-short", None),
    "truncated-100": (truncated(100), "no-signature", None),
    "empty": (lambda p: make_file(p, 0), "no-signature", None),
    "zeros": (lambda p: make_file(p, 10 * MiB), "no-signature", None),
    "version-2": (lambda p: (base(p), put32(p, 1024, 2)), "bad-version", "bad-version"),
    "last-page-0": (lambda p: (base(p), put32(p, 1028, 0)), "empty", "empty"),
    "last-page-beyond": (lambda p: (base(p), put32(p, 1028, 25600)), "too-short", "too-short"),
    "badpages": (lambda p: (base(p), put32(p, 1032, 2), put32(p, 1536, 5, 6)),
                 "badpages-on-file", ""),
    "huge-nr-badpages": (lambda p: (base(p), put32(p, 1032, 0xffffffff)),
                         "badpages-on-file", "too-many-badpages"),
    "badpage-zero": (lambda p: (base(p), put32(p, 1032, 1), put32(p, 1536, 0)),
                     "badpages-on-file", "badpage-out-of-range"),
    "badpage-beyond": (lambda p: (base(p), put32(p, 1032, 1), put32(p, 1536, 2560)),
                       "badpages-on-file", "badpage-out-of-range"),
    "badpage-last": (lambda p: (base(p), put32(p, 1032, 1), put32(p, 1536, 2559)),
                     "badpages-on-file", ""),
    "badpage-dup": (lambda p: (base(p), put32(p, 1032, 3), put32(p, 1536, 7, 9, 7)),
                    "badpages-on-file", "badpage-duplicate"),
    "padding-garbage": (lambda p: (base(p), put32(p, 1196, 1)), "", None),
    "label-control": (lambda p: (base(p), patch(p, 1052, b"ab\x01cd\x7f" + bytes(10))), "", None),
    # what blkid escapes for -o export: blanks, quotes, $ ` < > \\, 8-bit, ^X
    "label-shell": (lambda p: (base(p), patch(p, 1052, b"a b'\"$`<>\\c" + bytes(4))), "", None),
    "label-8bit": (lambda p: (base(p), patch(p, 1052, b"\xff\xc3\xa9\x80\xa0\x1c\x9c=\tz" + bytes(6))),
                   "", None),
    "label-trailing-blank": (lambda p: (base(p), patch(p, 1052, b"tail \t" + bytes(10))), "", None),
    # mkswap wants 10 pages, and so does blkid; the kernel takes fewer
    "small-9-pages": (lambda p: (base(p, size=10 * 4096), put32(p, 1028, 8),
                                 os.truncate(p, 9 * 4096)), "", None),
    "small-10-pages": (lambda p: base(p, size=10 * 4096), "", None),
    "holes": (lambda p: (os.truncate(p, 10 * MiB), os.chmod(p, 0o600),
                         tool("mkswap", "-q", "-U", UUID, p)), "holes", None),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    images = {}
    for name, (build, _, _) in CASES.items():
        path = str(d / (name + ".img"))
        open(path, "wb").close()
        build(path)
        images[name] = path
    return images


def blkid_raw(path):
    """`blkid -p -o export` as it prints it (bytes), or b"" when it finds nothing."""
    p = subprocess.run(["blkid", "-p", "-o", "export", path], capture_output=True)
    assert p.returncode in (0, 2), p.stderr
    return p.stdout if p.returncode == 0 else b""


def swapfs_raw(path, *opts):
    p = subprocess.run([SWAPFS, "header", "--export", *opts, path], capture_output=True)
    assert p.returncode in (0, 1), p.stderr
    return p.stdout


def swapfs_export(path, *opts):
    p = run("header", "--export", *opts, path)
    assert p.returncode in (0, 1), p.stderr
    return parse_export(p.stdout), p.returncode


ID_KEYS = ("TYPE", "VERSION", "LABEL", "UUID", "USAGE", "SEC_TYPE", "LABEL_RAW", "UUID_RAW")


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_is_blkids_answer(corpus, name):
    """blkid's lines first, byte for byte; then only swapfs's own keys."""
    path = corpus[name]
    ours, theirs = swapfs_raw(path), blkid_raw(path)
    head = theirs if theirs else f"DEVNAME={path}\n".encode()
    assert ours.startswith(head), f"{name}:\nswapfs:\n{ours!r}\nblkid:\n{theirs!r}"
    rest = [line.split(b"=")[0].decode() for line in ours[len(head):].splitlines()]
    assert not set(rest) & set(ID_KEYS), f"{name}: identification keys of swapfs's own: {rest}"
    assert "KERNEL_OK" in rest and "KERNEL_PAGESIZE" in rest


def test_blkid_identifies_most(corpus):
    """The comparison above is not vacuous: blkid identifies most images."""
    seen = [n for n in corpus if b"TYPE=" in blkid_raw(corpus[n])]
    assert len(seen) >= 30, seen


def test_blkid_refuses_what_swapfs_would_have_named(corpus):
    """Where blkid sees no swap area, --export has no TYPE=swap, but the verdict."""
    for name, ok in (("version-2", "no"), ("last-page-0", "no"), ("mk-256k", "no"),
                     ("small-9-pages", "yes")):
        ours, _ = swapfs_export(corpus[name])
        assert "TYPE" not in ours and "UUID" not in ours and "LABEL" not in ours, name
        assert ours["KERNEL_OK"] == ok and ("KERNEL_ERROR" in ours) == (ok == "no"), name
    ours, _ = swapfs_export(corpus["small-10-pages"])
    assert ours["TYPE"] == "swap" and ours["KERNEL_OK"] == "yes"


def test_export_escapes_as_blkid(corpus):
    """The escaping rules, spelled out on the values that need them."""
    out = swapfs_raw(corpus["label-shell"]).decode("ascii")
    assert "LABEL=a\\ b\\'\\\"\\$\\`\\<\\>\\\\c\n" in out
    out = swapfs_raw(corpus["label-8bit"])
    assert b"LABEL=M-^?M-CM-)M-^@M-\\ ^\\M-^\\=^Iz\n" in out
    out = swapfs_raw(corpus["label-trailing-blank"])
    assert b"LABEL=tail\n" in out


@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict(corpus, name):
    """The rules, for a kernel with the page size the image was made for."""
    made_for = swapfs_export(corpus[name])[0].get("PAGESIZE", str(PAGE))
    ours, rc = swapfs_export(corpus[name], "--kernel", "newest", "--page-size", made_for)
    want = CASES[name][1]
    assert ours["KERNEL_PAGESIZE"] == made_for
    assert ours.get("KERNEL_ERROR", "") == want
    assert ours["KERNEL_OK"] == ("no" if want else "yes")
    assert rc == (1 if want else 0)


FOREIGN = ["mk-8k", "mk-16k", "mk-64k", "mk-256k"]


@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_page_size_is_judged_for_this_kernel(corpus, name):
    """Made for other pages: this kernel finds no signature; -p or -k judge for another."""
    if PAGE != 4096:
        pytest.skip("the corpus's foreign page sizes assume a 4 KiB kernel")
    path = corpus[name]
    ours, rc = swapfs_export(path)
    assert (ours["KERNEL_OK"], ours["KERNEL_ERROR"], rc) == ("no", "no-signature", 1)
    assert ours["KERNEL_PAGESIZE"] == "4096" and ours["PAGESIZE"] != "4096"
    doc = json.loads(run("header", "--json", path, check=1).stdout)["headers"][0]
    assert doc["kernel_pagesize"] == 4096 and doc["kernel_ok"] is False
    assert doc["kernel_error"] == "no-signature"
    human = run("header", path, check=1).stdout
    assert "Kernel page size:  4096" in human and "does not find the signature" in human
    own = ours["PAGESIZE"]
    ours, rc = swapfs_export(path, "--page-size", own)
    assert (ours["KERNEL_OK"], ours["KERNEL_PAGESIZE"], rc) == ("yes", own, 0)
    release = f"6.12.12-arm64-{int(own) // 1024}k"
    ours, rc = swapfs_export(path, "--kernel", release)
    assert (ours["KERNEL_OK"], ours["KERNEL_PAGESIZE"], rc) == ("yes", own, 0)
    p = run("header", "--page-size", "4096", "--kernel", release, path, check=2)
    assert "disagree" in p.stderr


def test_page_size_option_errors(corpus):
    for bad in ("3000", "2048", "512K", "x"):
        p = run("header", "--page-size", bad, corpus["mk-4k"], check=2)
        assert f"--page-size '{bad}'" in p.stderr
    ours, _ = swapfs_export(corpus["mk-4k"], "--page-size", "16K")
    assert ours["KERNEL_PAGESIZE"] == "16384" and ours["KERNEL_ERROR"] == "no-signature"


@pytest.mark.skipif(not is_root, reason="needs root: asks the real swapon")
def test_swapon_says_the_same(corpus, tmp_path):
    """The real swapon(8) refuses a 16 KiB header here, and the kernel says why."""
    if PAGE != 4096:
        pytest.skip("needs a 4 KiB kernel")
    img = str(tmp_path / "p16.img")
    with open(corpus["mk-16k"], "rb") as src, open(img, "wb") as dst:
        dst.write(src.read())
    os.chmod(img, 0o600)
    before = len(tool("dmesg", check=False).stdout.splitlines())
    p = tool("swapon", img, check=False)
    if p.returncode == 0:
        tool("swapoff", img)
    assert p.returncode != 0 and "pagesize does not match" in p.stderr, p.stderr
    log = tool("dmesg", check=False).stdout.splitlines()[before:]
    ours, _ = swapfs_export(img)
    assert ours["KERNEL_ERROR"] == "no-signature"
    if log:     # a kernel that lets us read its log says it in its words
        assert any("Unable to find swap-space signature" in line for line in log), log


def test_fields_of_a_mkswap_image(corpus):
    ours, _ = swapfs_export(corpus["mk-16k"])
    assert ours["PAGESIZE"] == "16384"
    assert ours["LAST_PAGE"] == str(10 * MiB // 16384 - 1)
    assert ours["SIZE"] == str(10 * MiB)
    assert ours["NR_BADPAGES"] == "0"
    assert ours["ENDIANNESS"] == "LITTLE"
    ours, _ = swapfs_export(corpus["mk-256k"])
    assert "TYPE" not in ours and ours["PAGESIZE"] == "262144"   # blkid stops at 64K
    ours, _ = swapfs_export(corpus["foreign"])
    assert ours["ENDIANNESS"] == "BIG" and ours["LAST_PAGE"] == "2559"
    ours, _ = swapfs_export(corpus["badpages"])
    assert ours["BADPAGES"] == "5,6" and ours["NR_BADPAGES"] == "2"


def test_label_exact_bytes(corpus):
    """People and JSON see the exact bytes; export sees what blkid sees."""
    doc = json.loads(run("header", "--json", corpus["label-control"], check=0).stdout)
    assert doc["headers"][0]["label"] == "ab\x01cd\x7f"
    assert "Label:             ab\\x01cd\\x7f" in run("header", corpus["label-control"]).stdout
    doc = json.loads(run("header", "--json", corpus["label-8bit"], check=0).stdout)
    assert doc["headers"][0]["label"] == "\\xff\u00e9\\x80\\xa0\x1c\\x9c=\tz"
    doc = json.loads(run("header", "--json", corpus["padding-garbage"], check=0).stdout)
    h = doc["headers"][0]
    assert h["ids_trusted"] is False and h["label"] == "corpus"
    ours, _ = swapfs_export(corpus["padding-garbage"])
    assert "LABEL" not in ours and "UUID" not in ours


def test_duplicates_depend_on_the_kernel(corpus, tmp_path):
    """6.18 accepts a bad page listed twice; the swap-table kernels do not."""
    if not is_root:
        pytest.skip("needs root: a loop device")
    img = str(tmp_path / "dup.img")
    with open(corpus["badpage-dup"], "rb") as src, open(img, "wb") as dst:
        dst.write(src.read())
    loop = tool("losetup", "-f", "--show", img).stdout.strip()
    try:
        old, rc_old = swapfs_export(loop, "--kernel", "6.18.44")
        new, rc_new = swapfs_export(loop, "--kernel", "7.0")
        assert (old["KERNEL_OK"], rc_old) == ("yes", 0)
        assert (new["KERNEL_ERROR"], rc_new) == ("badpage-duplicate", 1)
    finally:
        tool("losetup", "-d", loop)


def _kernel_accepts(path):
    """swapon(2) directly, then swapoff; True if the kernel took it."""
    if libc.swapon(path.encode(), 0) == 0:
        assert libc.swapoff(path.encode()) == 0, os.strerror(ctypes.get_errno())
        return True
    return False


@pytest.mark.skipif(not is_root, reason="needs root: asks the real kernel (swapon)")
@pytest.mark.parametrize("name", sorted(n for n in CASES))
def test_kernel_agrees_on_file(corpus, name):
    path = corpus[name]
    ours, _ = swapfs_export(path)
    assert ours["KERNEL_PAGESIZE"] == str(PAGE)
    assert _kernel_accepts(path) == (ours["KERNEL_OK"] == "yes"), ours


@pytest.mark.skipif(not is_root, reason="needs root: loop devices and swapon")
@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n][2] is not None))
def test_kernel_agrees_on_block_device(corpus, name, tmp_path):
    if PAGE != 4096:
        pytest.skip("corpus offsets assume 4 KiB pages")
    img = str(tmp_path / "dev.img")
    with open(corpus[name], "rb") as src, open(img, "wb") as dst:
        dst.write(src.read())
    loop = tool("losetup", "-f", "--show", img).stdout.strip()
    try:
        newest, _ = swapfs_export(loop, "--kernel", "newest")
        assert newest.get("KERNEL_ERROR", "") == CASES[name][2]
        # the running kernel is the oracle for the verdict judged for it
        ours, _ = swapfs_export(loop)
        assert _kernel_accepts(loop) == (ours["KERNEL_OK"] == "yes"), ours
    finally:
        tool("losetup", "-d", loop)
