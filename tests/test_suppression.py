"""``# noqa`` comments and ``# fastapi-lint: ignore-file``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_lint.api import lint_paths, lint_text
from fastapi_lint.cli import main
from fastapi_lint.config import Settings


def lint(source: str, tmp_path: Path, **settings) -> list[tuple[str, int]]:
    """The findings, by default without FAPI001 (unused noqa), which has tests of its own below."""
    settings.setdefault("ignore", ("FAPI001",))
    diagnostics = lint_text(textwrap.dedent(source), settings=Settings(root=tmp_path, **settings))
    return [(d.code, d.start.line) for d in diagnostics]


def invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


BLOCKING = """\
import time


async def handler():
    time.sleep(1){comment}
"""


def test_unsuppressed_control(tmp_path):
    assert lint(BLOCKING.format(comment=""), tmp_path) == [("FAPI101", 5)]


@pytest.mark.parametrize(
    "comment",
    [
        "  # noqa: FAPI101",
        "  # noqa:FAPI101",
        "  #noqa: FAPI101",
        "  # NOQA: fapi101",
        "  # noqa: FAPI201, FAPI101",
        "  # noqa: FAPI201,FAPI101",
        "  # noqa: FAPI101 -- rate limiter, fixed in #123",
        "  # type: ignore  # noqa: FAPI101",
    ],
)
def test_noqa_with_the_code_suppresses(tmp_path, comment):
    assert lint(BLOCKING.format(comment=comment), tmp_path) == []


@pytest.mark.parametrize(
    "comment",
    ["  # noqa: FAPI201", "  # noqa: FAPI10", "  # noqa: FAPI1011", "  # noqa: E501", "  # no qa: FAPI101"],
)
def test_noqa_with_another_code_does_not_suppress(tmp_path, comment):
    assert lint(BLOCKING.format(comment=comment), tmp_path) == [("FAPI101", 5)]


def test_suppressed_findings_are_counted(tmp_path):
    (tmp_path / "a.py").write_text(BLOCKING.format(comment="  # noqa: FAPI101"), encoding="utf-8")
    (tmp_path / "b.py").write_text(BLOCKING.format(comment="  # noqa: FAPI201"), encoding="utf-8")
    result = lint_paths([tmp_path], Settings(root=tmp_path, ignore=("FAPI001",)))
    assert [(Path(d.path).name, d.code) for d in result.diagnostics] == [("b.py", "FAPI101")]
    assert result.suppressed == 1


def test_noqa_only_covers_its_own_line(tmp_path):
    source = """\
    import time


    async def handler():
        time.sleep(1)  # noqa: FAPI101
        time.sleep(2)
    """
    assert lint(source, tmp_path) == [("FAPI101", 6)]


def test_noqa_comment_on_the_line_above_does_not_suppress(tmp_path):
    source = """\
    import time


    async def handler():
        # noqa: FAPI101
        time.sleep(1)
    """
    assert lint(source, tmp_path) == [("FAPI101", 6)]


def test_noqa_on_the_enclosing_def_does_not_cover_its_body(tmp_path):
    source = """\
    import time


    async def handler():  # noqa: FAPI101
        time.sleep(1)
    """
    assert lint(source, tmp_path) == [("FAPI101", 5)]


MIDDLEWARE = """\
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware({comment}
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
)
"""


def test_multi_line_call_is_reported_on_its_first_line(tmp_path):
    assert lint(MIDDLEWARE.format(comment=""), tmp_path) == [("FAPI401", 5)]


def test_noqa_on_first_line_of_multi_line_call(tmp_path):
    assert lint(MIDDLEWARE.format(comment="  # noqa: FAPI401"), tmp_path) == []
    assert lint(MIDDLEWARE.format(comment="  # noqa: FAPI402"), tmp_path) == [("FAPI401", 5)]


LIST = """\
import time


async def handler():
    x = [{comment}
        time.sleep(1),
    ]
    return x
"""


def test_finding_inside_multi_line_statement_is_on_a_later_line(tmp_path):
    assert lint(LIST.format(comment=""), tmp_path) == [("FAPI101", 6)]


def test_noqa_on_first_line_of_statement_suppresses_a_later_line(tmp_path):
    assert lint(LIST.format(comment="  # noqa: FAPI101"), tmp_path) == []
    assert lint(LIST.format(comment="  # noqa: FAPI201"), tmp_path) == [("FAPI101", 6)]


def test_noqa_on_first_line_of_multi_line_return(tmp_path):
    source = """\
    import time


    async def handler():
        return (  # noqa: FAPI101
            time.sleep(1)
        )
    """
    assert lint(source, tmp_path) == []


def test_noqa_on_first_line_of_a_with_header(tmp_path):
    source = """\
    async def handler():
        with open(  # noqa: FAPI101
            "data.txt"
        ) as handle:
            return handle
    """
    assert lint(source, tmp_path) == []
    assert lint(source.replace("  # noqa: FAPI101", ""), tmp_path) == [("FAPI101", 2)]


def test_noqa_on_a_decorator_line(tmp_path):
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.on_event("startup")  # noqa: FAPI501
    async def startup() -> None:
        pass


    @app.on_event("shutdown")
    async def shutdown() -> None:
        pass
    """
    assert lint(source, tmp_path) == [("FAPI501", 11)]


def test_noqa_on_the_first_decorator_line_covers_the_decorated_def(tmp_path):
    source = """\
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/a")  # noqa: FAPI201
    @app.get("/a2")
    def first():
        return {}


    @app.get("/b")
    def second():
        return {}


    @app.get("/c")
    @app.get("/c2")  # noqa: FAPI201
    def third():
        return {}
    """
    # the finding is on the def's name; only the first decorator line counts as the statement's first line
    assert lint(source, tmp_path, select=("FAPI201",)) == [("FAPI201", 13), ("FAPI201", 19)]


def test_bare_noqa_does_not_suppress_by_default(tmp_path):
    assert lint(BLOCKING.format(comment="  # noqa"), tmp_path) == [("FAPI101", 5)]
    assert lint(BLOCKING.format(comment="  # noqa:"), tmp_path) == [("FAPI101", 5)]


def test_bare_noqa_suppresses_with_allow_bare_noqa(tmp_path):
    assert lint(BLOCKING.format(comment="  # noqa"), tmp_path, allow_bare_noqa=True) == []
    assert lint(LIST.format(comment="  # noqa"), tmp_path, allow_bare_noqa=True) == []
    # the setting does not turn a coded noqa into a bare one
    assert lint(BLOCKING.format(comment="  # noqa: FAPI201"), tmp_path, allow_bare_noqa=True) == [("FAPI101", 5)]


def test_allow_bare_noqa_cli_flag(in_tmp):
    (in_tmp / "app.py").write_text(BLOCKING.format(comment="  # noqa"), encoding="utf-8")
    without = invoke("app.py")
    assert without.exit_code == 1
    assert "app.py:5:5: FAPI101" in without.stdout
    allowed = invoke("--allow-bare-noqa", "app.py")
    assert allowed.exit_code == 0
    assert "All checks passed!" in allowed.stdout


def test_noqa_text_inside_a_string_does_not_suppress(tmp_path):
    source = """\
    import time


    async def handler():
        time.sleep(1); note = "silence it with # noqa: FAPI101"
    """
    assert lint(source, tmp_path) == [("FAPI101", 5)]


NOQA_IN_STRINGS = [
    "x = 1  # noqa: FAPI101\n",
    'doc = """\n# noqa: FAPI101\n"""\ny = 2  # NOQA: FAPI102\n',
    '@app.get("/")  # noqa: FAPI201\ndef f():\n    s = """# noqa: X1\n    # noqa: FAPI101\n"""  # noqa: FAPI103\n',
    "def f():\n    pass\n# noqa: FAPI104 between statements\n\n\nclass C:  # noqa\n    x = (\n        1  # noqa: FAPI105\n    )\n",
    "a = 1\r\nb = '''\r# noqa: FAPI1\r'''  # noqa: FAPI2\rc = 3  # noqa: FAPI3\n",
    "if x:\n    y = 1 \\\n        + 2  # noqa: FAPI106\n",
    "s = '''never closed  # noqa: FAPI107\n",  # no facts: the whole file, which does not tokenize
]


@pytest.mark.parametrize("source", NOQA_IN_STRINGS)
def test_noqa_comments_are_read_from_their_statements_as_from_the_whole_file(source):
    from fastapi_lint.analysis.facts import extract_facts
    from fastapi_lint.noqa import _comments_by_line, _mentioning_noqa, _noqa_comments

    whole = _mentioning_noqa(_comments_by_line(source))
    assert _noqa_comments(source, extract_facts(source, "m").statement_lines) == whole
    assert _noqa_comments(source, "") == whole


def test_noqa_comments_of_every_fixture_are_read_from_their_statements_as_from_the_whole_file():
    """Every fixture with ``# noqa: FAPI999`` written at the end of each line: inside strings,
    brackets, decorators, continuation lines, between statements."""
    from fastapi_lint.analysis.facts import extract_facts
    from fastapi_lint.lines import split_lines
    from fastapi_lint.noqa import _comments_by_line, _mentioning_noqa, _noqa_comments

    read = 0
    for path in sorted((Path(__file__).parent / "fixtures").rglob("*.py")):
        lines = split_lines(path.read_bytes().decode("utf-8", "replace"))
        source = "".join(f"{line}\n" if line.endswith("\\") else f"{line}  # noqa: FAPI999\n" for line in lines)
        whole = _mentioning_noqa(_comments_by_line(source))
        assert _noqa_comments(source, extract_facts(source, "m").statement_lines) == whole, path
        read += len(whole)
    assert read > 10000


# ---------------------------------------------------------------- ignore-file


IGNORED = """\
# fastapi-lint: ignore-file
import time


async def handler():
    time.sleep(1)
"""


def test_ignore_file_marker_skips_the_file(tmp_path):
    assert lint(IGNORED, tmp_path) == []


def test_ignore_file_marker_anywhere_on_its_own_line(tmp_path):
    source = BLOCKING.format(comment="") + "\n    # fastapi-lint: ignore-file\n"
    assert lint(source.replace("\n    #", "\n#"), tmp_path) == []


def test_ignore_file_marker_must_be_a_line_of_its_own(tmp_path):
    source = 'MARKER = "# fastapi-lint: ignore-file"\n' + BLOCKING.format(comment="")
    assert lint(source, tmp_path) == [("FAPI101", 6)]
    trailing = BLOCKING.format(comment="  # fastapi-lint: ignore-file")
    assert lint(trailing, tmp_path) == [("FAPI101", 5)]


def test_ignore_file_only_affects_that_file(in_tmp):
    (in_tmp / "skipped.py").write_text(IGNORED, encoding="utf-8")
    (in_tmp / "linted.py").write_text(BLOCKING.format(comment=""), encoding="utf-8")
    result = invoke(".")
    assert result.exit_code == 1
    assert "linted.py:5:5: FAPI101" in result.stdout
    assert "skipped.py" not in result.stdout


# ---------------------------------------------------------------- FAPI001 unused-noqa


def unused(source: str, tmp_path: Path, **settings) -> list[tuple[str, int, str]]:
    diagnostics = lint_text(textwrap.dedent(source), settings=Settings(root=tmp_path, **settings))
    return [(d.code, d.start.line, d.message) for d in diagnostics]


@pytest.mark.parametrize(
    "comment",
    ["  # noqa: FAPI101", "  # NOQA:fapi101", "  # noqa: FAPI101, E501", "  # type: ignore  # noqa: FAPI101", "  # noqa"],
)
def test_a_noqa_that_suppresses_its_finding_is_used(tmp_path, comment):
    assert unused(BLOCKING.format(comment=comment), tmp_path, allow_bare_noqa=True) == []


@pytest.mark.parametrize(
    ("comment", "why"),
    [
        ("  # noqa: FAPI201, FAPI101", "FAPI201 (no FAPI201 finding on this line)"),
        ("  # noqa: FAPI1011, FAPI101", "FAPI1011 (no such rule)"),
        ("  # noqa: FAPI101, FAPI900", "FAPI900 (its findings cannot be suppressed)"),
    ],
)
def test_codes_that_suppress_nothing_are_reported_next_to_used_ones(tmp_path, comment, why):
    [(code, line, message)] = unused(BLOCKING.format(comment=comment), tmp_path)
    assert (code, line) == ("FAPI001", 5)
    assert message == f"`# noqa` suppresses nothing here: {why}"


def test_a_noqa_left_after_its_finding_went_away(tmp_path):
    fixed = "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)  # noqa: FAPI101\n"
    assert [(c, n) for c, n, _ in unused(fixed, tmp_path)] == [("FAPI001", 5)]


def test_noqa_on_the_first_line_of_a_statement_is_used_by_a_finding_on_a_later_line(tmp_path):
    assert unused(LIST.format(comment="  # noqa: FAPI101"), tmp_path) == []
    assert [c for c, _, _ in unused(LIST.format(comment="  # noqa: FAPI201"), tmp_path)] == ["FAPI101", "FAPI001"]


def test_codes_of_rules_that_do_not_run_are_not_judged(tmp_path):
    source = BLOCKING.format(comment="  # noqa: FAPI101")
    assert unused(source, tmp_path, select=("FAPI001",)) == []  # FAPI101 not enabled: unknown
    assert unused(source, tmp_path, select=("FAPI001", "FAPI201")) == []
    assert unused(source, tmp_path, ignore=("FAPI101",)) == []
    assert [c for c, _, _ in unused(source.replace("FAPI101", "FAPI999"), tmp_path, select=("FAPI001",))] == ["FAPI001"]


def test_per_file_ignores_leave_the_codes_they_switch_off_alone(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(BLOCKING.format(comment="  # noqa: FAPI101, FAPI201"))
    settings = Settings(root=tmp_path, per_file_ignores=(("tests/*", ("FAPI101",)),))
    found = [(d.code, d.message) for d in lint_paths([tmp_path], settings).diagnostics]
    assert found == [("FAPI001", "`# noqa` suppresses nothing here: FAPI201 (no FAPI201 finding on this line)")]


def test_naming_fapi001_keeps_the_comment_and_ignoring_it_turns_it_off(tmp_path):
    source = BLOCKING.format(comment="  # noqa: FAPI001, FAPI101, FAPI201")
    assert unused(source, tmp_path) == []
    assert unused(BLOCKING.format(comment="  # noqa: FAPI201"), tmp_path, ignore=("FAPI001",)) == [
        ("FAPI101", 5, unused(BLOCKING.format(comment=""), tmp_path)[0][2])]


def test_unused_noqa_fix_removes_codes_then_the_comment_and_is_idempotent(in_tmp):
    (in_tmp / "app.py").write_text(textwrap.dedent("""\
        import asyncio
        import time


        async def handler():
            time.sleep(1)  # noqa: FAPI101, FAPI201, E501
            await asyncio.sleep(0)  # noqa: FAPI101
            # noqa: FAPI101
            await asyncio.sleep(0)  # type: ignore  # noqa: FAPI101
            await asyncio.sleep(0)  # noqa: FAPI1010 - rate limiter
            await asyncio.sleep(0)  # noqa: FAPI101  # second comment
        """), encoding="utf-8")
    first = invoke("--isolated", "--no-cache", "--fix", "app.py")
    assert first.exit_code == 0, first.output
    assert (in_tmp / "app.py").read_text(encoding="utf-8") == textwrap.dedent("""\
        import asyncio
        import time


        async def handler():
            time.sleep(1)  # noqa: FAPI101, E501
            await asyncio.sleep(0)
            await asyncio.sleep(0)  # type: ignore
            await asyncio.sleep(0)  # rate limiter
            await asyncio.sleep(0)  # second comment
        """)
    again = invoke("--isolated", "--no-cache", "--fix", "app.py")
    assert again.exit_code == 0 and "All checks passed!" in again.stdout


def test_unused_noqa_in_concise_output_is_marked_safe_fixable(in_tmp):
    (in_tmp / "app.py").write_text("x = 1  # noqa: FAPI999\n", encoding="utf-8")
    result = invoke("--isolated", "--no-cache", "--output-format", "concise", "app.py")
    assert result.exit_code == 1
    assert result.stdout == "app.py:1:8: FAPI001 [*] warning: `# noqa` suppresses nothing here: FAPI999 (no such rule)\n"


def test_unused_noqa_results_are_cached_per_rule_selection(in_tmp):
    (in_tmp / "app.py").write_text(BLOCKING.format(comment="  # noqa: FAPI101, FAPI201"), encoding="utf-8")
    everything = invoke("--isolated", "--output-format", "concise", "app.py")
    assert "FAPI001" in everything.stdout and everything.exit_code == 1
    only_blocking = invoke("--isolated", "--select", "FAPI001,FAPI101", "--output-format", "concise", "app.py")
    assert only_blocking.exit_code == 0, only_blocking.stdout  # FAPI201 not enabled: not judged
    assert invoke("--isolated", "--output-format", "concise", "app.py").stdout == everything.stdout
