#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-corpus.py - write the fuzzers' seed corpora (tests/fuzz/corpus/).

    header    mkswap images (labels, UUIDs, page sizes, bad pages by hand),
              a hibernation signature, v0, foreign byte order, garbage;
              each after the harness's environment byte
    dump      every dump fixture (good and bad) in the "@@ NAME" format
    snapfile  small snapshot files made by swapfs sim and swapfs import
    workload  every workload fixture, and built-in specs ('B' + spec)
    edit      edits in the harness's record format, valid and not

Needs a built swapfs (default build/src/cli/swapfs; $SWAPFS overrides)
and mkswap. Run from anywhere: python3 tests/fuzz/make-corpus.py
"""
import os
import shutil
import sqlite3
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
REPO = os.path.dirname(TESTS)
SWAPFS = os.environ.get("SWAPFS") or os.path.join(REPO, "build", "src", "cli", "swapfs")
CORPUS = os.path.join(HERE, "corpus")
DUMP_FILES = ["info", "clusters", "swap_map", "swap_table", "cache", "continued",
              "zeromap", "zswap", "orders", "next"]


def put(kind, name, data):
    d = os.path.join(CORPUS, kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def header_seeds(tmp):
    page = 4096
    cases = {
        "plain": [],
        "label-uuid": ["-L", "fuzz", "-U", "01234567-89ab-cdef-0123-456789abcdef"],
        "label-long": ["-L", "sixteen-bytes-xx"],
        "pagesize-64k": ["-p", "65536"],
    }
    for name, opts in cases.items():
        img = os.path.join(tmp, name)
        size = 64 * 65536 if "64k" in name else 40 * page
        with open(img, "wb") as f:
            f.write(b"\0" * size)
        subprocess.run(["mkswap", "-q", *opts, img], check=True, capture_output=True)
        # the first page is what the decoder reads
        data = open(img, "rb").read(65536 if "64k" in name else page)
        put("header", name + "-device", bytes([0]) + data)
        put("header", name + "-file", bytes([1]) + data)
        put("header", name + "-claimed-big", bytes([0x10 | 0x80]) + data)
    v1 = bytearray(open(os.path.join(tmp, "plain"), "rb").read(page))
    # bad pages 3 and 7; the v1 layout: bootbits[1024], version u32,
    # last_page u32, nr_badpages u32 (1032), uuid[16], label[16],
    # padding[117] u32, badpages[] (1536)
    struct.pack_into("<I", v1, 1032, 2)
    struct.pack_into("<II", v1, 1024 + 12 + 16 + 16 + 117 * 4, 3, 7)
    put("header", "badpages", bytes([0]) + bytes(v1))
    struct.pack_into("<I", v1, 1032, 0xffffffff)
    put("header", "badpages-huge", bytes([0]) + bytes(v1))
    be = bytearray(open(os.path.join(tmp, "plain"), "rb").read(page))
    for off in (1024, 1028, 1032):
        be[off:off + 4] = be[off:off + 4][::-1]
    put("header", "foreign-order", bytes([0]) + bytes(be))
    v0 = bytearray(page)
    v0[page - 10:] = b"SWAP-SPACE"
    put("header", "v0", bytes([0]) + bytes(v0))
    hib = bytearray(open(os.path.join(tmp, "plain"), "rb").read(page))
    hib[page - 10:] = b"S1SUSPEND\0"
    put("header", "hibernation", bytes([0]) + bytes(hib))
    put("header", "empty", b"")
    put("header", "garbage", bytes([3]) + bytes(range(256)) * 20)


def dump_blob(d):
    out = b""
    for name in DUMP_FILES:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            out += b"@@ " + name.encode() + b"\n" + open(p, "rb").read() + b"\n"
    return out


def dump_seeds():
    good = os.path.join(TESTS, "fixtures", "dumps")
    for e in sorted(os.listdir(good)):
        if os.path.isdir(os.path.join(good, e)):
            put("dump", e, dump_blob(os.path.join(good, e)))
    bad = os.path.join(TESTS, "fixtures", "bad-dumps")
    for e in sorted(os.listdir(bad))[::6]:        # a sample: one in six
        put("dump", "bad-" + e, dump_blob(os.path.join(bad, e)))


def small_db(path):
    """The file with 512-byte pages: a seed a fuzzer can mutate (64 KiB pages
    make every file nearly a megabyte)."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA page_size=512")
    db.execute("VACUUM")
    db.close()
    return open(path, "rb").read()


def snapfile_seeds(tmp):
    runs = {
        "random": ["--builtin", "random:orders=0+2+4,fill=70,ops=300", "--size", "1M",
                   "--cluster-size", "64"],
        "v612-series": ["--builtin", "random:orders=0+2,fill=60,ops=200", "--size", "512K",
                        "--cluster-size", "32", "--kernel", "6.12", "--every", "100"],
        "fragment": ["--builtin", "fragment:orders=0+4,fill=90,holes=30", "--size", "1M",
                     "--cluster-size", "64"],
    }
    for name, args in runs.items():
        out = os.path.join(tmp, name + ".db")
        subprocess.run([SWAPFS, "sim", *args, "-o", out], check=True, capture_output=True)
        put("snapfile", name, small_db(out))
    for era in ("era-A", "era-E", "era-G"):
        out = os.path.join(tmp, era + ".db")
        subprocess.run([SWAPFS, "import", os.path.join(TESTS, "fixtures", "dumps", era),
                        "-o", out], check=True, capture_output=True)
        if era == "era-E":
            # back-references as a capture stores them: pages 0x7f000..+3
            # on slots 16..19, and one more process sharing slot 16
            db = sqlite3.connect(out)
            db.execute("INSERT INTO procs VALUES (1, 100, 'app', x'80e01f1000000000')")
            db.execute("INSERT INTO procs VALUES (1, 101, 'child', x'80e01f10')")
            db.commit()
            db.close()
        put("snapfile", era, small_db(out))


def workload_seeds():
    wl = os.path.join(TESTS, "fixtures", "workloads")
    for sub in ("good", "bad"):
        d = os.path.join(wl, sub)
        for n in sorted(os.listdir(d))[:: (1 if sub == "good" else 4)]:
            put("workload", f"{sub}-{n}", open(os.path.join(d, n), "rb").read())
    for i, spec in enumerate(["selftest:area=60M,device=64M,rounds=100,small=1",
                              "random:orders=0+2+4,fill=90,ops=1000,cpus=2",
                              "fragment:orders=0+4,fill=95,holes=40,hole_order=0",
                              "random:orders=0+99", "selftest:area=1T"]):
        put("workload", f"builtin-{i}", b"B" + spec.encode())


def edit_record(what, idx, value):
    return bytes([what, idx & 0xff, idx >> 8, len(value)]) + value


def edit_seeds():
    put("edit", "flags", edit_record(0, 1, b"frag\n") + edit_record(0, 2, b"free"))
    put("edit", "order", edit_record(1, 1, b"4\n") + edit_record(1, 0, b"99"))
    put("edit", "slot", edit_record(2, 600, b"count=2 cached=1\n") +
        edit_record(2, 601, b"bad=1 zswap=1 zero=0") + edit_record(2, 512, b"order=4"))
    put("edit", "slot-bad", edit_record(2, 5, b"count=-1") + edit_record(2, 5, b"cached=2") +
        edit_record(2, 5, b"order=unknown") + edit_record(2, 5, b"count=1 count=2"))
    put("edit", "mixed", edit_record(0, 3, b"full") + edit_record(2, 1536, b"count=0 cached=0") +
        edit_record(1, 3, b"0") + edit_record(2, 1537, b"count=4294967294"))


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        header_seeds(tmp)
        dump_seeds()
        snapfile_seeds(tmp)
        workload_seeds()
        edit_seeds()
    for k in sorted(os.listdir(CORPUS)):
        print(f"{k}: {len(os.listdir(os.path.join(CORPUS, k)))} seeds")


if __name__ == "__main__":
    main()
