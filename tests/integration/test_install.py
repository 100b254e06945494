"""meson install: both binaries in bin, the man pages, bash completion.

`meson install --destdir` into a temporary directory, then the installed
files are checked where the build's own options put them, and the installed
completion script is run in bash against the installed binaries: every
command and every option their --help lists must be offered, and nothing
else, so the completion cannot drift from the binaries.
"""
import functools
import json
import os
import re
import subprocess

import pytest

BUILD = os.environ.get("MESON_BUILD_ROOT") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build")
MAN_PAGES = {"man8": ["swapfs.8", "swapview.8"],
             "man5": ["swapfs-dump.5", "swapfs-snapshot.5",
                      "swapfs-workload.5"]}
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"


@functools.lru_cache(maxsize=None)
def build_options():
    out = subprocess.run(["meson", "introspect", BUILD, "--buildoptions"],
                         capture_output=True, text=True, check=True).stdout
    return {o["name"]: o["value"] for o in json.loads(out)}


def build_option(name):
    return build_options()[name]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(destdir, prefix inside it) of a fresh `meson install`"""
    dest = tmp_path_factory.mktemp("destdir")
    subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild",
                    "--quiet", "--destdir", str(dest)],
                   capture_output=True, text=True, check=True)
    return dest, str(dest) + build_option("prefix")


def completion_dir(dest):
    """the one directory the completions went to (pkg-config decides)"""
    found = [os.path.join(d, "swapfs") for d, _, files in os.walk(dest)
             if d.endswith("bash-completion/completions") and "swapfs" in files]
    assert len(found) == 1, found
    return os.path.dirname(found[0])


def test_files_installed(installed):
    dest, prefix = installed
    bindir = os.path.join(prefix, build_option("bindir"))
    mandir = os.path.join(prefix, build_option("mandir"))
    for exe in ("swapfs", "swapview"):
        path = os.path.join(bindir, exe)
        assert os.access(path, os.X_OK), path
        # no setuid, no root needed: an ordinary executable
        assert not os.stat(path).st_mode & 0o6000
        out = subprocess.run([path, "--version"], capture_output=True,
                             text=True, check=True).stdout
        assert exe in out
    assert not os.path.exists(os.path.join(prefix, "sbin")), \
        "nothing goes to sbin"
    for sect, pages in MAN_PAGES.items():
        for page in pages:
            assert os.path.isfile(os.path.join(mandir, sect, page)), page
    comp = completion_dir(dest)
    assert comp.startswith(prefix), "completions follow the prefix"
    for name in ("swapfs", "swapview"):
        assert os.path.isfile(os.path.join(comp, name))


def help_of(exe, *args):
    return subprocess.run([exe, *args, "--help"], capture_output=True,
                          text=True, check=True).stdout


def help_commands(text):
    block = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines()]


def help_options(text):
    """every -x and --long an option line of a help text names"""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^ {1,6}(-\w)?(?:, )?(--[\w-]+)?(?: <[^>]*>)?(?: {2}|$)",
                     line)
        if m:
            opts.update(o for o in m.groups() if o)
    return opts


def complete(installed, *words, cwd=None):
    """COMPREPLY of the installed completion for a command line whose last
    word is being completed"""
    dest, prefix = installed
    comp = completion_dir(dest)
    bindir = os.path.join(prefix, build_option("bindir"))
    fn = "_swapview" if words[0] == "swapview" else "_swapfs"
    arr = " ".join("'" + w + "'" for w in words)
    script = (f"source {comp}/{words[0]}\n"
              f"COMP_WORDS=({arr}); COMP_CWORD={len(words) - 1}\n"
              f"{fn}\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n")
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script],
                         capture_output=True, text=True, env=env, cwd=cwd,
                         check=True).stdout
    return set(out.split())


def test_completion_commands(installed):
    exe = os.path.join(installed[1], build_option("bindir"), "swapfs")
    commands = help_commands(help_of(exe))
    assert {"header", "stat", "check", "sim", "mount"} <= set(commands)
    assert complete(installed, "swapfs", "") == set(commands)
    assert complete(installed, "swapfs", "st") == {
        c for c in commands if c.startswith("st")}
    assert complete(installed, "swapfs", "-") == help_options(help_of(exe))


def test_completion_options_every_command(installed):
    exe = os.path.join(installed[1], build_option("bindir"), "swapfs")
    for cmd in help_commands(help_of(exe)):
        opts = help_options(help_of(exe, cmd))
        assert "--help" in opts
        assert complete(installed, "swapfs", cmd, "-") == opts, cmd
    assert complete(installed, "swapfs", "stat", "--") == {
        o for o in help_options(help_of(exe, "stat")) if o.startswith("--")}
    swapview = os.path.join(installed[1], build_option("bindir"), "swapview")
    opts = help_options(help_of(swapview))
    assert {"--ascii", "--snapshot"} <= opts
    assert complete(installed, "swapview", "-") == opts


def test_completion_values(installed, tmp_path):
    (tmp_path / "demo.db").write_bytes(b"")
    (tmp_path / "dump").mkdir()
    # an option's value: a file, or nothing for a number
    assert complete(installed, "swapfs", "import", "dump", "-o", "de",
                    cwd=tmp_path) == {"demo.db"}
    assert complete(installed, "swapfs", "stat", "--snapshot", "",
                    cwd=tmp_path) == set()
    # a source after options
    assert complete(installed, "swapfs", "stat", "-J", "d",
                    cwd=tmp_path) == {"demo.db", "dump"}
    assert complete(installed, "swapview", "--ascii", "de",
                    cwd=tmp_path) == {"demo.db"}


@pytest.mark.skipif(not os.path.exists(BASH_COMPLETION),
                    reason="bash-completion is not installed (tools/deps)")
def test_bash_completion_loads_it(installed):
    """bash-completion's own loader finds the installed file by name"""
    dest, prefix = installed
    comp = completion_dir(dest)
    share = os.path.dirname(os.path.dirname(comp))
    script = (f"source {BASH_COMPLETION}\n"
              "__load_completion swapview && complete -p swapfs swapview\n")
    env = dict(os.environ, XDG_DATA_DIRS=share, HOME=str(dest),
               BASH_COMPLETION_USER_DIR=str(dest / "none"))
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", script],
                         capture_output=True, text=True, env=env)
    assert "complete -F _swapfs swapfs" in out.stdout, out.stderr
    assert "complete -F _swapview swapview" in out.stdout, out.stderr
