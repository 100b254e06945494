"""The swapfs command-line contract: help, version, usage errors, exit codes,
messages that name the target, stdout write errors, and a man page that
documents every command and option the binary accepts."""
import json
import os
import re
import subprocess

import pytest

from conftest import SWAPFS, make_file, mkswap, run

COMMANDS = ["header", "label", "undo", "list"]
MAN = os.path.join(os.path.dirname(__file__), "..", "..", "man", "swapfs.8")


def test_version():
    p = run("--version", check=0)
    assert re.fullmatch(r"swapfs \d+\.\d+\.\d+\n", p.stdout)
    for cmd in COMMANDS:
        assert run(cmd, "-V", check=0).stdout == p.stdout


def test_help_lists_every_command():
    out = run("--help", check=0).stdout
    assert out.startswith("\nUsage:\n swapfs <command>")
    for cmd in COMMANDS:
        assert re.search(rf"^ {cmd} ", out, re.M), cmd
    assert "swapfs(8)" in out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_subcommand_help(cmd):
    out = run(cmd, "--help", check=0).stdout
    assert f"Usage:\n swapfs {cmd} " in out
    assert "-h, --help" in out and "-V, --version" in out


@pytest.mark.parametrize("args,msg", [
    ([], "no command specified"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["--bogus"], "unrecognized option"),
    (["header"], "no target specified"),
    (["header", "--bogus", "x"], "unrecognized option"),
    (["header", "-J", "-e", "x"], "mutually exclusive"),
    (["header", "--kernel", "seven", "x"], "invalid kernel release 'seven'"),
    (["label"], "no target specified"),
    (["label", "-L", "x", "a", "b"], "only one target"),
    (["label", "--undo", "u", "x"], "--undo needs -L or -U"),
    (["label", "-L", "seventeen-bytes!!", "x"], "longer than 16 bytes"),
    (["label", "-U", "not-a-uuid", "x"], "invalid UUID 'not-a-uuid'"),
    (["undo"], "no undo file specified"),
    (["list", "extra"], "unexpected argument"),
    (["list", "-o", "NAME,NOPE"], "unknown column 'NOPE'"),
    (["list", "-o", ""], "no columns in ''"),
])
def test_usage_errors_exit_2(args, msg):
    p = run(*args, check=2)
    assert msg in p.stderr
    assert "Try 'swapfs" in p.stderr and "--help' for more information." in p.stderr


def test_missing_target_is_a_system_error(tmp_path):
    missing = tmp_path / "nope"
    p = run("header", missing, check=3)
    assert str(missing) in p.stderr and "No such file" in p.stderr


def test_unresolvable_tag():
    p = run("header", "LABEL=swapfs-no-such-label-0123", check=3)
    assert "LABEL=swapfs-no-such-label-0123: no such swap area" in p.stderr


def test_directory_is_not_a_swap_area(tmp_path):
    p = run("header", tmp_path, check=1)
    assert f"{tmp_path}: not a regular file or block device" in p.stderr


def test_worst_exit_code_over_targets(tmp_path):
    good = mkswap(str(tmp_path / "good.img"))
    zeros = make_file(str(tmp_path / "zeros.img"), 1 << 20)
    assert run("header", good).returncode == 0
    assert run("header", good, zeros).returncode == 1
    assert run("header", good, zeros, tmp_path / "missing").returncode == 3
    doc = json.loads(run("header", "--json", good, zeros).stdout)
    assert [h["kernel_ok"] for h in doc["headers"]] == [True, False]


def test_invalid_area_still_reports(tmp_path):
    zeros = make_file(str(tmp_path / "zeros.img"), 1 << 20)
    p = run("header", zeros, check=1)
    assert re.search(r"^Kernel error:\s+no-signature$", p.stdout, re.M)
    assert re.search(r"^Kernel says:\s+Unable to find swap-space signature$", p.stdout, re.M)


def test_stdout_write_error_exits_3(tmp_path):
    img = mkswap(str(tmp_path / "a.img"))
    with open("/dev/full", "w") as full:
        p = subprocess.run([SWAPFS, "header", img], stdout=full,
                           stderr=subprocess.PIPE, text=True)
    assert p.returncode == 3 and "write error" in p.stderr


def _options_of(cmd):
    """Every long option a subcommand's --help lists."""
    out = run(cmd, "--help", check=0).stdout
    return set(re.findall(r"--[a-z][a-z-]+", out))


def test_man_page_documents_everything():
    with open(MAN) as f:
        text = f.read()
    # groff escapes dashes as \- ; read the page as a person would
    plain = text.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")
    for cmd in COMMANDS + ["stat", "check", "import", "export", "sim"]:
        assert re.search(rf"\b{cmd}\b", plain), cmd
        for opt in _options_of(cmd):
            assert opt in plain, f"swapfs {cmd} {opt} is not in swapfs(8)"
    for code in ["no-signature", "too-many-badpages", "bad-version", "empty",
                 "too-short", "badpages-on-file", "holes", "badpage-out-of-range",
                 "no-good-pages", "badpage-duplicate"]:
        assert code in plain, f"reason code {code} is not in swapfs(8)"
    for key in ["DEVNAME", "TYPE", "VERSION", "LABEL", "UUID", "USAGE", "PAGESIZE",
                "ENDIANNESS", "LAST_PAGE", "SIZE", "NR_BADPAGES", "BADPAGES",
                "KERNEL_PAGESIZE", "KERNEL_OK", "KERNEL_ERROR"]:
        assert key in plain, f"export key {key} is not in swapfs(8)"
    for col in ["NAME", "TYPE", "SIZE", "USED", "PRIO", "UUID", "LABEL",
                "PAGESIZE", "KERNEL_OK"]:
        assert col in plain
    assert re.search(r"EXIT STATUS", plain)
    # every column a table command's -o takes
    for cmd in ("header", "stat", "check", "list"):
        help_text = run(cmd, "--help", check=0).stdout
        cols = re.findall(r"^ +([A-Z_%]+)  ", help_text.split("Available columns:")[1], re.M)
        assert cols, cmd
        for col in cols:
            assert col in plain, f"swapfs {cmd} column {col} is not in swapfs(8)"


def test_man_page_renders_without_warnings():
    p = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", MAN],
                       capture_output=True, text=True)
    if p.returncode == 127:
        pytest.skip("groff not installed")
    assert p.returncode == 0 and p.stderr == ""
