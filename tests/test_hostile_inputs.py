"""Hostile and unusual input, end to end through the CLI (issue 9), beyond test_robustness.py.

Every input yields either its normal findings or exactly one ``FAPI000`` with a precise
message and position; the run completes, a well-behaved neighbour file is still linted,
the exit code follows the contract (0 clean, 1 findings, 2 usage/config, 3 internal
error), and ``--fix --unsafe-fixes`` leaves every file it cannot fix byte-for-byte as it
was.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

import fastapi_lint.api as api
import fastapi_lint.engine as engine
import fastapi_lint.files as files
from fastapi_lint.source import MAX_SOURCE_BYTES

from conftest import FIXABLE as ROUTE_TEMPLATE, ROOT, invoke

GOOD = b"import time\n\n\nasync def handler():\n    time.sleep(1)\n"  # FAPI101 at 5:5
GOOD_FINDING = ("good.py", "FAPI101", 5, 5)

# A route whose blocking call has an unsafe fix (time.sleep -> await asyncio.sleep).
FIXABLE = ROUTE_TEMPLATE.replace("NAME", "")
FIXED_LINE = b"    await asyncio.sleep(1)  # nap"


def lint(*args: str) -> tuple[int, list[tuple]]:
    """Run the CLI with JSON output: (exit code, [(path, code, line, column, message)])."""
    result = invoke("--isolated", "--output-format", "json", *args)
    items = json.loads(result.stdout)
    return result.exit_code, [(i["path"], i["code"], i["line"], i["column"], i["message"]) for i in items]


def of(found: list[tuple], path: str) -> list[tuple]:
    return [f for f in found if f[0] == path]


def assert_good_linted(found: list[tuple]) -> None:
    assert [f[:4] for f in of(found, "good.py")] == [GOOD_FINDING]


# ---------------------------------------------------------------- one FAPI000 each

# name: (content, line, column, exact message or message prefix ending in "…")
BROKEN = {
    "unclosed_bracket": (b"x = [1, 2\n", 1, 5, "syntax error: '[' was never closed"),
    "unclosed_brace": (b"x = {1: 2\ny = 3\n", 1, 5, "syntax error: '{' was never closed"),
    "unclosed_string": (b"x = 'abc\n", 1, 5, "syntax error: unterminated string literal (detected at line 1)"),
    "unclosed_triple_quote": (
        b'x = 1\ny = """abc\n', 2, 5, "syntax error: unterminated triple-quoted string literal (detected at line 2)"),
    "backslash_at_eof": (b"x = 1 + \\", 1, 10, "syntax error: unexpected EOF while parsing"),
    "missing_indented_block": (
        b"def f():\nreturn 1\n", 2, 1, "syntax error: expected an indented block after function definition on line 1"),
    "unexpected_indent": (b"x = 1\n    y = 2\n", 2, 4, "syntax error: unexpected indent"),
    "unindent_mismatch": (
        b"if x:\n        a = 1\n    b = 2\n", 3, 10, "syntax error: unindent does not match any outer indentation level"),
    "tabs_and_spaces_mixed": (
        b"if x:\n\ta = 1\n        b = 2\n", 3, 1, "syntax error: inconsistent use of tabs and spaces in indentation"),
    "python2_print": (
        b"import sys\nprint 'hello'\n", 2, 1, "syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"),
    "python2_print_name": (
        b"print x\n", 1, 1, "syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"),
    "invalid_x_escape": (b"x = b'\\xZZ'\n", 1, 12, "syntax error: (value error) invalid \\x escape at position 0"),
    "invalid_unicode_name_escape": (
        b"x = '\\N{NO SUCH NAME}'\n", 1, 23, "syntax error: (unicode error) 'unicodeescape' codec can't decode …"),
    "walrus_statement": (b"x := 1\n", 1, 3, "syntax error: invalid syntax"),
    "control_character": (b"x = 1\ny = 2\x1a\n", 2, 6, "syntax error: invalid non-printable character U+001A"),
    "null_byte_first": (b"\x00import os\n", 1, 1, "source contains a null byte"),
    "utf16_without_declaration": (
        "x = 1\n".encode("utf-16"), 1, 1, "file is not valid utf-8 (byte 0xff) and has no coding declaration"),
    "latin1_bytes_without_declaration": (
        b"# caf\xe9\nx = 1\n", 1, 6, "file is not valid utf-8 (byte 0xe9) and has no coding declaration"),
    "bom_with_latin1_declaration": (
        b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n", 1, 1,
        "the file starts with a UTF-8 byte order mark but declares another encoding"),
    "lone_surrogate_bytes": (
        b"x = '\xed\xa0\x80'\n", 1, 6, "file is not valid utf-8 (byte 0xed) and has no coding declaration"),
    "indentation_too_deep": (
        b"import time\nasync def f():\n" + b"".join(b"    " * i + b"if x:\n" for i in range(1, 120))
        + b"    " * 120 + b"time.sleep(1)\n", 102, 1, "syntax error: too many levels of indentation"),
}


def _matches(message: str, expected: str) -> bool:
    return message.startswith(expected[:-1]) if expected.endswith("…") else message == expected


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_gets_exactly_one_precise_fapi000(in_tmp, name):
    content, line, column, message = BROKEN[name]
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / f"{name}.py").write_bytes(content)
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    (diagnostic,) = of(found, f"{name}.py")
    assert diagnostic[1:4] == ("FAPI000", line, column), diagnostic
    assert _matches(diagnostic[4], message), diagnostic[4]
    assert (in_tmp / f"{name}.py").read_bytes() == content


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_alone_exits_1_and_fix_leaves_it_alone(in_tmp, name):
    content = BROKEN[name][0]
    path = in_tmp / f"{name}.py"
    path.write_bytes(content)
    os.chmod(path, 0o640)
    code, found = lint("--fix", "--unsafe-fixes", path.name)
    assert code == 1
    assert [f[1] for f in found] == ["FAPI000"]
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert not list(in_tmp.glob(".*.fastapi-lint"))


# ---------------------------------------------------------------- normal findings


NORMAL = {
    # name: (content, [(line, column)] of FAPI101)
    "invalid_escape_warning_only": (b"import time\nP = '\\d+'\nasync def f():\n    time.sleep(1)\n", [(4, 5)]),
    "tab_indented": (b"import time\nasync def f():\n\ttime.sleep(1)\n", [(3, 2)]),
    "crlf": (b"import time\r\nasync def f():\r\n    time.sleep(1)\r\n", [(3, 5)]),
    "cr_only": (b"import time\rasync def f():\r    time.sleep(1)\r", [(3, 5)]),
    "bom_and_crlf": (b"\xef\xbb\xbfimport time\r\nasync def f():\r\n    time.sleep(1)\r\n", [(3, 5)]),
    "no_final_newline": (b"import time\nasync def f():\n    time.sleep(1)", [(3, 5)]),
    "form_feed_between_defs": (b"import time\n\x0c\nasync def f():\n    time.sleep(1)\n", [(4, 5)]),
    "latin1_declared": (b"# -*- coding: latin-1 -*-\nimport time\nasync def f():\n    s = '\xe9'\n"
                        b"    time.sleep(1)\n", [(5, 5)]),
    "cp1252_declared_crlf": (b"# coding: cp1252\r\nimport time\r\nasync def f():\r\n    s = '\x93q\x94'\r\n"
                             b"    time.sleep(1)\r\n", [(5, 5)]),
    "non_ascii_identifiers": ("import time\nasync def caf\u00e9():\n    \u00fcber = 1\n    time.sleep(\u00fcber)\n"
                              .encode(), [(4, 5)]),
    "cr_only_noqa": (b"import time\rasync def f():\r    time.sleep(1)  # noqa: FAPI101\r    time.sleep(2)\r", [(4, 5)]),
    "cr_only_ignore_file": (b"import time\r# fastapi-lint: ignore-file\rasync def f():\r    time.sleep(1)\r", []),
    "only_line_ends": (b"\r\n\r\n\r\r\n", []),
    "only_cr": (b"\r", []),
    "bom_only_crlf": (b"\xef\xbb\xbf\r\n", []),
    "whitespace_only": (b"   \n\t\n", []),
    # Python 2's `except E, e:` is Python 3.14's unparenthesized `except A, B:`: newer
    # syntax than the interpreter running us, so it is linted, not rejected.
    "python2_except_comma": (b"try:\n    pass\nexcept ValueError, e:\n    pass\n", []),
}


@pytest.mark.parametrize("name", sorted(NORMAL))
def test_unusual_but_valid_file_lints_normally(in_tmp, name):
    content, expected = NORMAL[name]
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / f"{name}.py").write_bytes(content)
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    assert [(f[1], f[2], f[3]) for f in of(found, f"{name}.py")] == [("FAPI101", *at) for at in expected]


@pytest.mark.parametrize("name", sorted(NORMAL))
def test_unusual_file_alone_exit_code(in_tmp, name):
    content, expected = NORMAL[name]
    (in_tmp / f"{name}.py").write_bytes(content)
    code, found = lint(f"{name}.py")
    assert code == (1 if expected else 0)
    assert len(found) == len(expected)


def test_very_long_line(in_tmp):
    padding = "[" + ", ".join(str(i) for i in range(20_000)) + "]"  # ~130 kB on one line
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "long.py").write_text(f"import time\nasync def f():\n    x = {padding}; time.sleep(1)\n")
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    (diagnostic,) = of(found, "long.py")
    assert diagnostic[1:4] == ("FAPI101", 3, len(f"    x = {padding}; ") + 1)


def test_large_module_under_the_limit_is_linted_to_the_end(in_tmp):
    body = "".join(f"def helper_{i}(value: int = {i}) -> int:\n    return value * {i} + len('{i}')\n\n\n"
                   for i in range(1500))  # ~100 kB
    source = f"import time\n\n\n{body}async def last():\n    time.sleep(1)\n"
    (in_tmp / "big.py").write_text(source)
    code, found = lint("big.py")
    assert code == 1
    assert [f[1:4] for f in found] == [("FAPI101", source.count("\n"), 5)]


def test_five_megabyte_generated_module_gets_one_fapi000(in_tmp):
    rows = [f"    {{'id': {i}, 'name': 'item-{i}', 'tags': ['a', 'b']}}," for i in range(120_000)]
    source = ("import time\n\n\nasync def f():\n    time.sleep(1)\n\n\nDATA = [\n" + "\n".join(rows) + "\n]\n").encode()
    assert len(source) > 5_000_000 > MAX_SOURCE_BYTES
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "generated.py").write_bytes(source)
    started = time.monotonic()
    code, found = lint("--fix", "--unsafe-fixes", ".")
    assert time.monotonic() - started < 120
    assert code == 1
    assert of(found, "good.py") == []  # fixed: FAPI101 had an (unsafe) fix
    assert b"await asyncio.sleep(1)" in (in_tmp / "good.py").read_bytes()
    (diagnostic,) = of(found, "generated.py")
    megabytes = f"{len(source) / 1e6:.1f}"
    assert diagnostic[1:5] == (
        "FAPI000", 1, 1, f"file is too large to lint ({megabytes} MB; the limit is {MAX_SOURCE_BYTES / 1e6:g} MB)")
    assert (in_tmp / "generated.py").read_bytes() == source


def test_deep_nesting_with_fix_leaves_the_file_alone(in_tmp):
    source = ("import time\nasync def f():\n    x = " + "(" * 1000 + "1" + ")" * 1000 + "\n").encode()
    (in_tmp / "deep.py").write_bytes(source)
    code, found = lint("--fix", "--unsafe-fixes", "deep.py")
    assert code in (0, 1)
    assert all(f[1] == "FAPI000" for f in found) and len(found) <= 1
    assert (in_tmp / "deep.py").read_bytes() == source


# Nesting libcst's native parser would overflow the stack on (a segmentation fault: the
# whole run dies without a report) or pay for with gigabytes. Each runs in a child process,
# so a crash fails the test instead of the test run.
DEEP = {
    # name: (source, expected message prefix of its one FAPI000, or None: its normal findings)
    "nested_calls": ("x = " + "f(" * 2000 + ")" * 2000 + "\n", "source is nested too deeply to parse"),
    "unary_chain": ("x = " + "-" * 100_000 + "1\n", "source is nested too deeply to parse"),
    "newer_syntax_then_unary_chain": ("type X = int\nx = " + "-" * 100_000 + "1\n", ""),
    "long_and_chain": ("import time\nasync def f():\n    time.sleep(1)\n    x = " + " and ".join(["a"] * 20_000) + "\n",
                       "source is nested too deeply to analyse"),
    "longer_and_chain": ("import time\nasync def f():\n    time.sleep(1)\n    x = " + " or ".join(["a"] * 300_000) + "\n",
                         "source is nested too deeply to parse (too complex: 300000 operands"),
    "deep_string_annotation": ('import time\nasync def f(q: "' + "(" * 100_000 + "int" + ")" * 100_000 + '"):\n'
                               "    time.sleep(1)\n", None),
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_never_crashes_the_run(in_tmp, name):
    source, message = DEEP[name]
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / f"{name}.py").write_text(source)
    run = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "--isolated", "--no-cache", "--output-format", "json", "."],
        cwd=in_tmp, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))},
    )
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    found = [(i["path"], i["code"], i["line"], i["column"], i["message"]) for i in json.loads(run.stdout)]
    assert_good_linted(found)
    own = of(found, f"{name}.py")
    if message is None:
        assert [f[1] for f in own] == ["FAPI101"], own
    else:
        (diagnostic,) = own
        assert diagnostic[1] == "FAPI000" and diagnostic[4].startswith(message), diagnostic


# ---------------------------------------------------------------- the file system


def test_symlink_loops(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "a.py").symlink_to("b.py")
    (in_tmp / "b.py").symlink_to("a.py")
    pkg = in_tmp / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_bytes(GOOD)
    (pkg / "again").symlink_to("..", target_is_directory=True)  # a directory loop: not followed
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    for name in ("a.py", "b.py"):
        assert of(found, name) == [(name, "FAPI000", 1, 1, "cannot read file: Too many levels of symbolic links")]
    assert [f[:4] for f in of(found, "pkg/mod.py")] == [("pkg/mod.py", "FAPI101", 5, 5)]
    assert len(found) == 4  # nothing linted twice through the loop
    code, found = lint("a.py")  # named explicitly
    assert code == 1 and [f[1:5] for f in found] == [("FAPI000", 1, 1, "cannot read file: Too many levels of symbolic links")]
    code, found = lint("pkg/again/pkg")  # a loop named explicitly is walked once
    assert code == 1 and [f[1] for f in found] == ["FAPI101"]


def _unreadable(path: Path) -> None:
    path.chmod(0)
    if os.access(path, os.R_OK):
        path.chmod(0o644)
        pytest.skip("running with privileges that can read a mode-000 file")


def test_unreadable_file_via_cli_and_fix(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    secret = in_tmp / "secret.py"
    secret.write_text(FIXABLE)
    _unreadable(secret)
    try:
        code, found = lint(".")
        assert code == 1
        assert_good_linted(found)
        assert of(found, "secret.py") == [("secret.py", "FAPI000", 1, 1, "cannot read file: Permission denied")]
        code, found = lint("--fix", "--unsafe-fixes", ".")
        assert code == 1 and of(found, "secret.py")[0][1] == "FAPI000"
    finally:
        secret.chmod(0o644)
    assert secret.read_text() == FIXABLE


def test_unreadable_file_even_when_running_as_root(in_tmp, monkeypatch):
    """The same path without relying on permissions: open() fails as it would for mode 000."""
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "secret.py").write_text(FIXABLE)
    real_open = open

    def guarded_open(file, *args, **kwargs):
        if str(file).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(api, "open", guarded_open, raising=False)
    monkeypatch.setattr(files, "open", guarded_open, raising=False)
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    assert of(found, "secret.py") == [("secret.py", "FAPI000", 1, 1, "cannot read file: Permission denied")]


def test_unwritable_file_under_fix_is_reported_and_unchanged(in_tmp, monkeypatch):
    (in_tmp / "app.py").write_text(FIXABLE)

    def refuse(path, *args):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(api, "write_source", refuse)
    code, found = lint("--fix", "--unsafe-fixes", "app.py")
    assert code == 1
    assert ("app.py", "FAPI000", 1, 1, "cannot write fixed file: Permission denied") in found
    assert (in_tmp / "app.py").read_text() == FIXABLE


def test_directories_named_like_python_files(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "pkg.py").mkdir()
    (in_tmp / "pkg.py" / "inner.pyi").write_bytes(GOOD)
    (in_tmp / "deep").mkdir()
    (in_tmp / "deep" / "empty.py").mkdir()
    (in_tmp / "link.py").symlink_to(in_tmp / "deep", target_is_directory=True)
    code, found = lint(".")
    assert code == 1
    assert sorted(f[:4] for f in found) == [GOOD_FINDING, ("pkg.py/inner.pyi", "FAPI101", 5, 5)]
    code, found = lint("deep/empty.py")  # an empty directory named explicitly: nothing to lint
    assert (code, found) == (0, [])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_socket_and_device_named_py_are_skipped_not_read(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    os.mkfifo(in_tmp / "pipe.py")  # reading it would block forever
    (in_tmp / "zero.py").symlink_to("/dev/zero")  # reading it would never end
    process = subprocess.run(
        [sys.executable, "-m", "fastapi_lint", "--isolated", "--output-format", "json", "."],
        cwd=in_tmp, capture_output=True, timeout=120,
    )
    assert process.returncode == 1, process.stderr
    assert [(i["path"], i["code"]) for i in json.loads(process.stdout)] == [("good.py", "FAPI101")]


def test_paths_with_spaces_and_non_ascii_names(in_tmp):
    weird = in_tmp / "my project" / "donn\u00e9es \u00fc"
    weird.mkdir(parents=True)
    (weird / "caf\u00e9 app.py").write_bytes(GOOD)
    (weird / "\u65e5\u672c.py").write_text(FIXABLE)
    code, found = lint(".")
    assert code == 1
    assert sorted(f[:4] for f in found) == [
        ("my project/donn\u00e9es \u00fc/caf\u00e9 app.py", "FAPI101", 5, 5),
        ("my project/donn\u00e9es \u00fc/\u65e5\u672c.py", "FAPI101", 6, 5),
    ]
    result = invoke("--isolated", str(weird / "caf\u00e9 app.py"))
    assert result.exit_code == 1 and "caf\u00e9 app.py:5:5: FAPI101" in result.stdout
    code, found = lint("--fix", "--unsafe-fixes", "my project")
    assert FIXED_LINE in (weird / "\u65e5\u672c.py").read_bytes()


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that allows undecodable names")
def test_undecodable_file_name(in_tmp):
    name = os.fsdecode(b"caf\xe9.py")  # not UTF-8: decoded with surrogateescape
    (in_tmp / name).write_bytes(GOOD)
    code, found = lint(".")
    assert code == 1 and [f[1:4] for f in found] == [("FAPI101", 5, 5)]
    # Text reports show an undecodable byte escaped, as every other format does.
    result = invoke("--isolated", ".")
    assert result.exit_code == 1 and b"caf\\xe9.py:5:5: FAPI101" in result.stdout_bytes
    result = invoke("--isolated", "--output-format", "concise", "--output-file", "report.txt", ".")
    assert result.exit_code == 1 and (in_tmp / "report.txt").read_bytes().startswith(b"caf\\xe9.py:5:5: FAPI101")


def test_output_the_terminal_cannot_encode_is_escaped_not_a_crash(in_tmp):
    (in_tmp / "caf\u00e9.py").write_bytes(GOOD)
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([sys.executable, "-m", "fastapi_lint", "--isolated", "."],
                            capture_output=True, env=env, cwd=in_tmp)
    assert result.returncode == 1, result.stderr
    assert b"caf\\xe9.py:5:5: FAPI101" in result.stdout and b"Traceback" not in result.stderr


# ---------------------------------------------------------------- files that vanish


def test_file_deleted_between_discovery_and_reading(in_tmp, monkeypatch):
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "gone.py").write_text(FIXABLE)
    real_discover = api.discover

    def discover_then_delete(*args, **kwargs):
        files = real_discover(*args, **kwargs)
        (in_tmp / "gone.py").unlink()
        return files

    monkeypatch.setattr(api, "discover", discover_then_delete)
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    assert of(found, "gone.py") == [("gone.py", "FAPI000", 1, 1, "cannot read file: No such file or directory")]


def test_file_deleted_between_facts_and_lint_pass_is_linted_as_read(in_tmp, monkeypatch):
    (in_tmp / "good.py").write_bytes(GOOD)
    (in_tmp / "gone.py").write_text(FIXABLE)
    real_facts_job = api._facts_job
    seen = []

    def facts_then_delete(contents, path):
        facts = real_facts_job(contents, path)
        seen.append(path.name)
        if len(seen) == 2:  # both files' facts are known: now one disappears
            (in_tmp / "gone.py").unlink()
        return facts

    monkeypatch.setattr(api, "_facts_job", facts_then_delete)
    code, found = lint(".")
    assert code == 1
    assert_good_linted(found)
    # Each file is read once per run: the lint pass checks the bytes the facts came from.
    assert [f[1] for f in of(found, "gone.py")] == ["FAPI101"]


def test_file_deleted_while_being_fixed_is_not_recreated(in_tmp, monkeypatch):
    (in_tmp / "gone.py").write_text(FIXABLE)
    real_fix_source = engine.fix_source

    def fix_then_delete(*args, **kwargs):
        result = real_fix_source(*args, **kwargs)
        (in_tmp / "gone.py").unlink()
        return result

    monkeypatch.setattr(engine, "fix_source", fix_then_delete)  # api imports it when it fixes
    code, found = lint("--fix", "--unsafe-fixes", "gone.py")
    assert code == 1
    assert ("gone.py", "FAPI000", 1, 1, "cannot write fixed file: No such file or directory") in found
    assert not (in_tmp / "gone.py").exists()
    assert [p.name for p in in_tmp.iterdir() if p.name.endswith(".fastapi-lint")] == []


# ---------------------------------------------------------------- --fix keeps bytes


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("cr_only", lambda text: text.replace("\n", "\r").encode()),
        ("tabs", lambda text: text.replace("    ", "\t").encode()),
        ("bom_crlf", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()),
        ("cp1252_cookie", lambda text: ("# coding: cp1252\n" + text.replace(
            "app = FastAPI()\n", "app = FastAPI()\nQUOTE = '\u201cq\u201d'\n")).encode("cp1252")),
        ("no_final_newline", lambda text: text.rstrip("\n").encode()),
        ("form_feed", lambda text: text.replace("app = FastAPI()\n", "app = FastAPI()\n\x0c\n").encode()),
    ],
)
def test_fix_keeps_line_endings_encoding_and_mode(in_tmp, name, encode):
    (in_tmp / "reference.py").write_text(FIXABLE)
    code, found = lint("--fix", "--unsafe-fixes", "reference.py")
    reference = (in_tmp / "reference.py").read_text()
    assert (code, found) == (0, []) and "await asyncio.sleep(1)  # nap" in reference
    original = encode(FIXABLE)
    path = in_tmp / f"{name}.py"
    path.write_bytes(original)
    os.chmod(path, 0o700)
    code, found = lint("--fix", "--unsafe-fixes", path.name)
    assert (code, found) == (0, [])
    data = path.read_bytes()
    assert data == encode(reference)  # the same fix, in the file's own bytes
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    code, found = lint("--fix", "--unsafe-fixes", path.name)
    assert (code, found) == (0, []) and path.read_bytes() == data  # idempotent


def test_fix_run_over_a_hostile_tree_changes_only_fixable_files(in_tmp):
    contents = {f"{name}.py": BROKEN[name][0] for name in BROKEN}
    contents.update({f"n_{name}.py": NORMAL[name][0] for name in NORMAL})
    for name, content in contents.items():
        (in_tmp / name).write_bytes(content)
    (in_tmp / "app.py").write_text(FIXABLE)
    code, found = lint("--fix", "--unsafe-fixes", ".")
    assert code == 1
    for name, content in contents.items():
        data = (in_tmp / name).read_bytes()
        if name.startswith("n_") and b"time.sleep" in content and b"ignore-file" not in content:
            assert b"await asyncio.sleep" in data, name  # fixed...
            assert data.count(b"time.sleep") == content.count(b"noqa: FAPI101"), name  # ...unless suppressed
            for newline in (b"\r\n", b"\r", b"\n"):  # ...keeping its line ending style
                assert (newline in data) == (newline in content), (name, newline)
            assert data.startswith(b"\xef\xbb\xbf") == content.startswith(b"\xef\xbb\xbf")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(data)
        else:
            assert data == content, name
    assert FIXED_LINE in (in_tmp / "app.py").read_bytes()
    assert not of(found, "app.py")
    assert {f[0] for f in found if f[1] == "FAPI000"} == {f"{name}.py" for name in BROKEN}
    assert "FAPI900" not in {f[1] for f in found}
    assert not list(in_tmp.glob(".*.fastapi-lint"))


# ---------------------------------------------------------------- usage errors: exit 2


def test_missing_path_is_a_usage_error(in_tmp):
    result = invoke("--isolated", "nowhere.py")
    assert result.exit_code == 2
    assert "nowhere.py: no such file or directory" in result.stderr


def test_unknown_code_on_the_command_line_is_a_usage_error(in_tmp):
    (in_tmp / "good.py").write_bytes(GOOD)
    result = invoke("--isolated", "--select", "FAPI999", ".")
    assert result.exit_code == 2
    assert "command line" in result.stderr and "'FAPI999'" in result.stderr
    assert result.stdout == ""


def test_python_file_that_is_a_directory_named_explicitly_with_other_files(in_tmp):
    shutil.copy2(ROOT / "examples" / "demo_app" / "main.py", in_tmp / "main.py") if (
        ROOT / "examples" / "demo_app" / "main.py").exists() else (in_tmp / "main.py").write_bytes(GOOD)
    (in_tmp / "x.py").mkdir()
    code, found = lint("x.py", "main.py")
    assert code == 1 and found and all(f[0] == "main.py" for f in found)
