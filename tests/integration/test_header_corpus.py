"""swapfs header against blkid and the real kernel, over a corpus it builds.

The corpus: real mkswap images (page sizes 4/8/16/64/256 KiB, with and without
label and UUID, -U clear, long labels) and crafted ones (byte-swapped headers,
every hibernation signature, v0, truncated, empty, bad-page lists, version 2,
last_page 0 or beyond the file, huge nr_badpages, bad page 0 or beyond
last_page, duplicates, garbage in the padding, holes).

For each image:
  * `swapfs header --export` agrees with `blkid -p -o export` on TYPE,
    VERSION, LABEL and UUID whenever blkid identifies the image;
  * the verdict is the reason code the kernel's rules give (written down per
    case below);
  * as root, for 4 KiB images, the real kernel is asked: swapon(2) on the
    file (or on a loop device for bad-page lists) succeeds exactly when
    swapfs says KERNEL_OK=yes. swapon(2) is called directly: swapon(8) would
    rewrite hibernation signatures.
"""
import ctypes
import os
import struct
import subprocess

import pytest

from conftest import is_root, make_file, mkswap, parse_export, run, tool

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


def blkid_unescape(s):
    """Undo blkid's safe_print(): '\\x' escapes, '^X' controls, 'M-' high bit."""
    out, i = bytearray(), 0
    while i < len(s):
        if s.startswith("M-", i):
            hi, i = 0x80, i + 2
        else:
            hi = 0
        c = s[i]
        if c == "^" and i + 1 < len(s):
            out.append(hi | (ord(s[i + 1]) ^ 0x40))
            i += 2
        elif c == "\\" and i + 1 < len(s):
            out.append(hi | ord(s[i + 1]))
            i += 2
        else:
            out.append(hi | ord(c))
            i += 1
    return bytes(out)


def blkid_export(path):
    p = subprocess.run(["blkid", "-p", "-o", "export", path], capture_output=True)
    if p.returncode != 0:
        return None
    out = {}
    for line in p.stdout.decode("latin-1").splitlines():
        key, _, val = line.partition("=")
        out[key] = blkid_unescape(val)
    return out if "TYPE" in out else None


def swapfs_export(path, *opts):
    p = run("header", "--export", *opts, path)
    assert p.returncode in (0, 1), p.stderr
    return parse_export(p.stdout), p.returncode


@pytest.mark.parametrize("name", sorted(CASES))
def test_agrees_with_blkid(corpus, name):
    path = corpus[name]
    ours, _ = swapfs_export(path)
    theirs = blkid_export(path)
    if theirs is None:
        # blkid sees nothing here (too small, >64 KiB pages, refused header)
        return
    for key in ("TYPE", "VERSION", "LABEL", "UUID"):
        mine = ours.get(key)
        if mine is not None:
            mine = mine.encode("latin-1").decode("unicode_escape").encode("latin-1")
        want = theirs.get(key)
        assert mine == want, f"{name}: {key}: swapfs {mine!r}, blkid {want!r}"


def test_blkid_identifies_most(corpus):
    """The comparison above is not vacuous: blkid identifies most images."""
    seen = [n for n in corpus if blkid_export(corpus[n])]
    assert len(seen) >= 25, seen


@pytest.mark.parametrize("name", sorted(CASES))
def test_verdict(corpus, name):
    ours, rc = swapfs_export(corpus[name], "--kernel", "newest")
    want = CASES[name][1]
    assert ours.get("KERNEL_ERROR", "") == want
    assert ours["KERNEL_OK"] == ("no" if want else "yes")
    assert rc == (1 if want else 0)


def test_fields_of_a_mkswap_image(corpus):
    ours, _ = swapfs_export(corpus["mk-16k"])
    assert ours["PAGESIZE"] == "16384"
    assert ours["LAST_PAGE"] == str(10 * MiB // 16384 - 1)
    assert ours["SIZE"] == str(10 * MiB)
    assert ours["NR_BADPAGES"] == "0"
    assert ours["ENDIANNESS"] == "LITTLE"
    ours, _ = swapfs_export(corpus["mk-256k"])
    assert ours["TYPE"] == "swap" and ours["PAGESIZE"] == "262144"
    ours, _ = swapfs_export(corpus["foreign"])
    assert ours["ENDIANNESS"] == "BIG" and ours["LAST_PAGE"] == "2559"
    ours, _ = swapfs_export(corpus["badpages"])
    assert ours["BADPAGES"] == "5,6" and ours["NR_BADPAGES"] == "2"


def test_label_exact_bytes(corpus):
    """People and JSON see the exact bytes; export sees what blkid sees."""
    import json
    doc = json.loads(run("header", "--json", corpus["label-control"], check=1 - 1).stdout)
    assert doc["headers"][0]["label"] == "ab\\x01cd\\x7f"
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
    if ours.get("PAGESIZE") not in (None, str(PAGE)):
        pytest.skip("made for another page size than this kernel's")
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
