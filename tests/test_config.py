"""``[tool.fastapi-lint]`` in pyproject.toml: discovery, every key, CLI overrides, errors,
and which directories are skipped."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from fastapi_lint.api import lint_paths
from fastapi_lint.config import DEFAULT_EXCLUDE, ConfigError, Settings, load_settings

from conftest import invoke

# One FAPI101 (line 9) and one FAPI201 (line 8) per file.
BOTH = '''\
import time

from fastapi import APIRouter

router = APIRouter()


@router.get("/things")
async def list_things():
    time.sleep(1)
    return []
'''
BLOCKING_ONLY = '''\
import time


async def helper() -> None:
    time.sleep(1)
'''



def findings(*args: str) -> list[dict]:
    result = invoke("--output-format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def summary(items: list[dict]) -> Counter:
    return Counter((item["path"], item["code"]) for item in items)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def project(in_tmp):
    """proj/pyproject.toml (written by each test), proj/src/app/main.py, proj/tests/test_api.py."""
    root = in_tmp / "proj"
    write(root / "src" / "app" / "__init__.py", "")
    write(root / "src" / "app" / "main.py", BOTH)
    write(root / "tests" / "test_api.py", BOTH)
    return root


def configure(root: Path, body: str) -> Path:
    return write(root / "pyproject.toml", "[project]\nname = 'proj'\n\n[tool.fastapi-lint]\n" + textwrap.dedent(body))


MAIN = "proj/src/app/main.py"
TESTS = "proj/tests/test_api.py"


# ---------------------------------------------------------------- discovery and keys


def test_without_config_every_default_rule_runs(project):
    assert summary(findings("proj")) == Counter(
        {(MAIN, "FAPI101"): 1, (MAIN, "FAPI201"): 1, (TESTS, "FAPI101"): 1, (TESTS, "FAPI201"): 1}
    )


@pytest.mark.parametrize("target", ["proj/src/app", "proj/src/app/main.py", "proj/src", "proj"])
def test_config_is_found_by_walking_up_from_the_path(project, target):
    configure(project, 'select = ["FAPI201"]\n')
    items = findings(target)
    assert items, "expected FAPI201 findings"
    assert {item["code"] for item in items} == {"FAPI201"}


def test_config_is_found_from_the_current_directory_default(project, monkeypatch):
    configure(project, 'select = ["FAPI201"]\n')
    monkeypatch.chdir(project / "src" / "app")
    items = findings()
    assert summary(items) == Counter({("main.py", "FAPI201"): 1})


def test_ignore_key(project):
    configure(project, 'ignore = ["FAPI101"]\n')
    assert {item["code"] for item in findings("proj")} == {"FAPI201"}


def test_ignore_key_with_prefix(project):
    configure(project, 'ignore = ["FAPI2"]\n')
    assert {item["code"] for item in findings("proj")} == {"FAPI101"}


def test_select_and_extend_select_keys(project):
    write(project / "src" / "app" / "events.py", '''\
        from fastapi import FastAPI

        app = FastAPI()


        @app.on_event("startup")
        async def startup() -> None:
            pass
        ''')
    configure(project, 'select = ["FAPI101"]\nextend-select = ["FAPI5"]\n')
    assert {item["code"] for item in findings("proj/src")} == {"FAPI101", "FAPI501"}


def test_per_file_ignores_directory_glob_and_basename_glob(project):
    write(project / "src" / "app" / "conftest.py", BOTH)
    write(project / "src" / "app" / "deep" / "conftest.py", BOTH)
    configure(project, '''\
        [tool.fastapi-lint.per-file-ignores]
        "tests/*" = ["FAPI101"]
        "conftest.py" = ["FAPI1", "FAPI201"]
        ''')
    assert summary(findings("proj")) == Counter(
        {(MAIN, "FAPI101"): 1, (MAIN, "FAPI201"): 1, (TESTS, "FAPI201"): 1}
    )


def test_per_file_ignores_pattern_with_slash_is_relative_to_the_config(project):
    configure(project, 'per-file-ignores = { "src/app/*.py" = ["FAPI201"] }\n')
    assert summary(findings("proj")) == Counter(
        {(MAIN, "FAPI101"): 1, (TESTS, "FAPI101"): 1, (TESTS, "FAPI201"): 1}
    )


def test_extend_exclude_skips_a_directory(project):
    write(project / "legacy" / "old.py", BOTH)
    write(project / "src" / "app" / "legacy" / "older.py", BOTH)
    configure(project, 'extend-exclude = ["legacy"]\n')
    paths = {item["path"] for item in findings("proj")}
    assert paths == {MAIN, TESTS}


def test_extend_exclude_path_glob(project):
    write(project / "src" / "app" / "generated_models.py", BOTH)
    configure(project, 'extend-exclude = ["src/app/generated_*.py"]\n')
    assert {item["path"] for item in findings("proj")} == {MAIN, TESTS}


def test_extend_exclude_keeps_the_default_excludes(project):
    write(project / "build" / "lib" / "copy.py", BOTH)
    configure(project, 'extend-exclude = ["tests"]\n')
    assert {item["path"] for item in findings("proj")} == {MAIN}


def test_exclude_replaces_the_list(project):
    write(project / "build" / "lib" / "copy.py", BLOCKING_ONLY)
    configure(project, 'exclude = ["tests"]\n')
    paths = {item["path"] for item in findings("proj")}
    assert paths == {MAIN, "proj/build/lib/copy.py"}


def test_docs_url_key(project):
    configure(project, 'docs-url = "https://docs.example/rules/{code}.html"\n')
    items = findings("proj")
    assert {item["url"] for item in items} == {
        "https://docs.example/rules/FAPI101.html",
        "https://docs.example/rules/FAPI201.html",
    }


def test_cli_docs_url_overrides_the_file(project):
    configure(project, 'docs-url = "https://docs.example/{code}"\n')
    items = findings("--docs-url", "https://cli.example/{code}", "proj")
    assert {item["url"] for item in items} == {"https://cli.example/FAPI101", "https://cli.example/FAPI201"}


@pytest.mark.parametrize("version", ["py310", "py311", "py312", "py313", "py314"])
def test_valid_target_versions_are_accepted(project, version):
    configure(project, f'target-version = "{version}"\n')
    assert len(findings("proj")) == 4


def test_cli_select_replaces_the_file_select(project):
    configure(project, 'select = ["FAPI201"]\n')
    assert {item["code"] for item in findings("--select", "FAPI101", "proj")} == {"FAPI101"}


def test_cli_ignore_adds_to_the_file_ignore(project):
    configure(project, 'ignore = ["FAPI101"]\n')
    result = invoke("--ignore", "FAPI201", "proj")
    assert result.exit_code == 0
    assert "All checks passed!" in result.stdout


def test_cli_extend_select_adds_to_the_file_selection(project):
    configure(project, 'select = ["FAPI201"]\n')
    assert {item["code"] for item in findings("--extend-select", "FAPI101", "proj")} == {"FAPI101", "FAPI201"}


def test_cli_select_overrides_the_file_ignore(project):
    configure(project, 'ignore = ["FAPI101"]\n')
    assert {item["code"] for item in findings("--select", "FAPI101", "proj")} == {"FAPI101"}


def test_config_flag_reads_that_file(project, in_tmp):
    configure(project, 'select = ["FAPI201"]\n')
    other = write(in_tmp / "elsewhere" / "pyproject.toml", '[tool.fastapi-lint]\nselect = ["FAPI101"]\n')
    items = findings("--config", str(other), "proj")
    assert {item["code"] for item in items} == {"FAPI101"}


def test_config_flag_with_a_standalone_toml(project, in_tmp):
    custom = write(in_tmp / "lint.toml", 'ignore = ["FAPI101"]\n')
    assert {item["code"] for item in findings("--config", str(custom), "proj")} == {"FAPI201"}


def test_config_flag_missing_file(project):
    result = invoke("--config", "nope.toml", "proj")
    assert result.exit_code == 2
    assert "nope.toml" in result.stderr


def test_isolated_ignores_the_file(project):
    configure(project, 'select = ["FAPI201"]\nextend-exclude = ["tests"]\n')
    assert summary(findings("--isolated", "proj")) == Counter(
        {(MAIN, "FAPI101"): 1, (MAIN, "FAPI201"): 1, (TESTS, "FAPI101"): 1, (TESTS, "FAPI201"): 1}
    )


def test_isolated_does_not_even_read_a_broken_file(project):
    configure(project, "select = [\n")
    assert len(findings("--isolated", "proj")) == 4


def test_pyproject_without_our_table_is_skipped_while_walking_up(project):
    configure(project, 'select = ["FAPI201"]\n')
    write(project / "src" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    assert {item["code"] for item in findings("proj/src/app")} == {"FAPI201"}


def test_nearest_config_wins(project):
    configure(project, 'select = ["FAPI201"]\n')
    write(project / "src" / "pyproject.toml", '[tool.fastapi-lint]\nselect = ["FAPI101"]\n')
    assert {item["code"] for item in findings("proj/src/app")} == {"FAPI101"}


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("select = [\n", ["not valid toml"]),
        ('colour = "red"\n', ["colour"]),
        ('selct = ["FAPI101"]\n', ["selct"]),
        ('select = "FAPI101"\n', ["select", "list of strings"]),
        ("ignore = [101]\n", ["ignore", "list of strings"]),
        ('extend-exclude = "legacy"\n', ["extend-exclude", "list of strings"]),
        ('select = ["FAPI999"]\n', ["select", "fapi999"]),
        ('ignore = ["FAPI101", "XYZ1"]\n', ["ignore", "xyz1"]),
        ('extend-select = ["FAPI9"]\n', ["extend-select", "fapi9"]),
        ('per-file-ignores = { "tests/*" = ["FAPI999"] }\n', ["per-file-ignores", "tests/*", "fapi999"]),
        ('per-file-ignores = { "tests/*" = "FAPI101" }\n', ["per-file-ignores", "list of strings"]),
        ('per-file-ignores = ["tests/*"]\n', ["per-file-ignores"]),
        ('target-version = "py27"\n', ["target-version", "py27"]),
        ("target-version = 311\n", ["target-version", "311"]),
        ('docs-url = ""\n', ["docs-url"]),
        ("docs-url = 5\n", ["docs-url"]),
        # A template with one placeholder, never a format string (see test_output_injection.py).
        ('docs-url = "https://d.example/{code}{x}"\n', ["docs-url", "{code}{x}"]),
        ('docs-url = "https://d.example/{code.__class__}"\n', ["docs-url"]),
        ('docs-url = "https://d.example/{code:>400000000}"\n', ["docs-url"]),
        ('docs-url = "https://d.example/{"\n', ["docs-url"]),
    ],
)
def test_config_errors_exit_2_naming_file_and_key(project, body, expected):
    path = configure(project, body)
    result = invoke("proj")
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert str(path) in message
    for fragment in expected:
        assert fragment in message.lower(), (fragment, message)
    assert "Traceback" not in result.output
    assert "FAPI101 Blocking" not in result.output  # nothing was linted


def test_config_table_that_is_not_a_table(in_tmp):
    path = write(in_tmp / "conf" / "pyproject.toml", '[tool]\n"fastapi-lint" = "yes"\n')
    write(in_tmp / "a.py", BLOCKING_ONLY)
    result = invoke("--config", str(path), "a.py")
    assert result.exit_code == 2
    assert str(path) in result.stderr
    assert "must be a table" in result.stderr


@pytest.mark.parametrize(
    "toml",
    [
        '[tool]\nfastapi-lint = { select = ["FAPI201"] }\n',
        "[tool.'fastapi-lint']\nselect = [\"FAPI201\"]\n",
        'tool.fastapi-lint.select = ["FAPI201"]\n',
        '[ tool.fastapi-lint ]\nselect = ["FAPI201"]\n',
    ],
    ids=["inline-table", "single-quoted", "dotted-key", "spaced-header"],
)
def test_equivalent_toml_spellings_of_the_table_are_found(project, toml):
    write(project / "pyproject.toml", toml)
    assert {item["code"] for item in findings("proj")} == {"FAPI201"}


def test_load_settings_api_raises_config_error(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.fastapi-lint]\nunknown-key = 1\n')
    with pytest.raises(ConfigError, match="unknown-key"):
        load_settings(tmp_path)


def test_load_settings_api_reads_values(tmp_path):
    write(tmp_path / "pyproject.toml", '''\
        [tool.fastapi-lint]
        select = ["FAPI40"]
        ignore = ["FAPI402", "FAPI403", "FAPI404", "FAPI405", "FAPI406", "FAPI407", "FAPI408", "FAPI409"]
        target-version = "py312"
        docs-url = "https://d.example"
        per-file-ignores = { "tests/*" = ["FAPI401"] }
        ''')
    settings = load_settings(tmp_path / "sub")
    assert settings.root == tmp_path
    assert settings.config_path == tmp_path / "pyproject.toml"
    assert settings.enabled_codes() == {"FAPI401"}
    assert settings.target_version == "py312"
    assert settings.docs_url == "https://d.example"
    assert [r.code for r in settings.rules_for(tmp_path / "tests" / "test_x.py")] == []
    assert [r.code for r in settings.rules_for(tmp_path / "app.py")] == ["FAPI401"]


# ---------------------------------------------------------------- default excludes


def test_default_excludes_skip_virtualenvs_and_tool_dirs(in_tmp):
    write(in_tmp / "app.py", BLOCKING_ONLY)
    for directory in (".venv/lib/site", "venv", "node_modules/pkg", "__pycache__", "build", "dist", "x.egg-info"):
        write(in_tmp / directory / "vendored.py", BLOCKING_ONLY)
    write(in_tmp / "myenv" / "pyvenv.cfg", "home = /usr/bin\n")
    write(in_tmp / "myenv" / "lib" / "python3.11" / "site.py", BLOCKING_ONLY)
    write(in_tmp / "nested" / "tools" / "py" / "pyvenv.cfg", "home = /usr/bin\n")
    write(in_tmp / "nested" / "tools" / "py" / "x.py", BLOCKING_ONLY)
    write(in_tmp / "nested" / "real.py", BLOCKING_ONLY)
    assert {item["path"] for item in findings(".")} == {"app.py", "nested/real.py"}


def test_default_exclude_list_contains_the_usual_suspects():
    for name in (".venv", "venv", ".git", "node_modules", "__pycache__", "site-packages"):
        assert name in DEFAULT_EXCLUDE


def test_explicit_file_in_excluded_dir_is_linted_without_force_exclude(in_tmp):
    write(in_tmp / ".venv" / "lib" / "x.py", BLOCKING_ONLY)
    result = invoke(".venv/lib/x.py")
    assert result.exit_code == 1
    assert ".venv/lib/x.py:5:5: FAPI101" in result.stdout


def test_force_exclude_skips_an_explicit_file_in_a_default_excluded_dir(in_tmp):
    write(in_tmp / ".venv" / "lib" / "x.py", BLOCKING_ONLY)
    write(in_tmp / "app.py", BLOCKING_ONLY)
    result = invoke("--force-exclude", ".venv/lib/x.py", "app.py")
    assert result.exit_code == 1
    assert "app.py:5:5: FAPI101" in result.stdout
    assert ".venv" not in result.stdout


def test_force_exclude_uses_the_configured_excludes(project):
    write(project / "legacy" / "old.py", BLOCKING_ONLY)
    write(project / "generated.py", BLOCKING_ONLY)
    configure(project, 'extend-exclude = ["legacy", "generated.py"]\n')
    without = invoke("proj/legacy/old.py", "proj/generated.py")
    assert without.exit_code == 1
    assert "proj/legacy/old.py:5:5: FAPI101" in without.stdout
    assert "proj/generated.py:5:5: FAPI101" in without.stdout
    forced = invoke("--force-exclude", "proj/legacy/old.py", "proj/generated.py")
    assert forced.exit_code == 0
    assert "All checks passed!" in forced.stdout


def test_force_exclude_on_an_excluded_directory_argument(project):
    write(project / "legacy" / "old.py", BLOCKING_ONLY)
    configure(project, 'extend-exclude = ["legacy"]\n')
    assert invoke("--force-exclude", "proj/legacy").exit_code == 0
    assert invoke("proj/legacy").exit_code == 1


def test_lint_paths_api_honours_settings_excludes(tmp_path):
    write(tmp_path / "keep.py", BLOCKING_ONLY)
    write(tmp_path / "skip_me" / "gone.py", BLOCKING_ONLY)
    settings = Settings(root=tmp_path, extend_exclude=("skip_me",))
    result = lint_paths([tmp_path], settings)
    assert [Path(d.path).name for d in result.diagnostics] == ["keep.py"]


# ---------------------------------------------------------------- more errors (issue 9)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # malformed TOML: the parser's own position is kept
        ('select = ["FAPI101"\nignore = []\n', ["not valid toml", "unclosed array (at line 6, column 1)"]),
        ('select = ["FAPI101"]\nselect = ["FAPI201"]\n', ["not valid toml", "(at line 6, column 21)"]),
        ("select = FAPI101\n", ["not valid toml"]),
        # wrong types
        ("select = [[\"FAPI101\"]]\n", ["`select`", "list of strings"]),
        ('extend-select = { FAPI101 = true }\n', ["`extend-select`", "list of strings"]),
        ("exclude = true\n", ["`exclude`", "list of strings"]),
        ('target-version = ["py311"]\n', ["target-version", "py311"]),
        # unknown codes and prefixes
        ('select = [""]\n', ["`select`", "''"]),
        ('select = ["FAPI"]\nextend-select = ["FAPX1"]\n', ["extend-select", "fapx1"]),
        # unknown keys, with the known ones listed
        ('per_file_ignores = { "tests/*" = ["FAPI101"] }\n', ["per_file_ignores", "per-file-ignores"]),
        ('[tool.fastapi-lint.lint]\nselect = ["FAPI101"]\n', ["'lint'", "known keys"]),
        # conflicting select / ignore
        ('select = ["FAPI101"]\nignore = ["FAPI101"]\n', ["'fapi101' is in both `select` and `ignore`"]),
        ('extend-select = ["FAPI106"]\nignore = ["fapi106"]\n', ["is in both `extend-select` and `ignore`"]),
        # per-file-ignores globs that can never match
        ('per-file-ignores = { "../other/*" = ["FAPI101"] }\n', ["per-file-ignores", "'../other/*'", "never match"]),
        ('per-file-ignores = { "tests\\\\*.py" = ["FAPI101"] }\n', ["per-file-ignores", "separate directories"]),
        ('per-file-ignores = { "" = ["FAPI101"] }\n', ["per-file-ignores", "empty glob"]),
        # extend-blocking-calls: qualified names only
        ('extend-blocking-calls = "mylib.slow"\n', ["`extend-blocking-calls`", "list of strings"]),
        ('extend-blocking-calls = ["slow"]\n', ["`extend-blocking-calls`", "'slow' is not a qualified name"]),
        ('extend-blocking-calls = ["mylib.slow()"]\n', ["`extend-blocking-calls`", "'mylib.slow()'"]),
        ('extend-blocking-calls = ["mylib..slow"]\n', ["`extend-blocking-calls`", "'mylib..slow'"]),
        # test-paths: globs, as in per-file-ignores
        ('test-paths = "tests"\n', ["`test-paths`", "list of strings"]),
        ('test-paths = ["../tests/**"]\n', ["`test-paths`", "never match"]),
    ],
)
def test_more_config_errors_exit_2_naming_file_and_key(project, body, expected):
    path = configure(project, body)
    result = invoke("proj")
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert message.startswith("fastapi-lint: error: ") and message.count("\n") == 1, message
    assert str(path) in message
    for fragment in expected:
        assert fragment in message.lower(), (fragment, message)
    assert result.stdout == ""


def test_selecting_a_prefix_and_ignoring_one_code_is_not_a_conflict(project):
    configure(project, 'select = ["FAPI1", "FAPI2"]\nignore = ["FAPI101"]\n')
    assert {item["code"] for item in findings("proj")} == {"FAPI201"}


def test_cli_select_and_ignore_of_the_same_code_follow_the_flags(project):
    """On the command line, --ignore wins over --select (both explicit, nothing to report)."""
    result = invoke("--isolated", "--select", "FAPI101", "--ignore", "FAPI101", "proj")
    assert result.exit_code == 0


def test_per_file_ignores_glob_with_leading_dot_slash_matches(project):
    configure(project, 'per-file-ignores = { "./tests/*" = ["FAPI101", "FAPI201"] }\n')
    assert {item["path"] for item in findings("proj")} == {MAIN}


def test_per_file_ignores_glob_matching_no_file_is_accepted(project):
    """Decided: a well-formed glob that matches no file today is not an error (the files may
    come later, and pre-commit lints a few files at a time); only globs that can never match are."""
    configure(project, 'per-file-ignores = { "migrations/*" = ["FAPI101"] }\n')
    assert summary(findings("proj"))[(MAIN, "FAPI101")] == 1


def test_unreadable_and_undecodable_config_files(in_tmp):
    write(in_tmp / "a.py", BLOCKING_ONLY)
    latin = in_tmp / "latin.toml"
    latin.write_bytes(b'# caf\xe9\nselect = ["FAPI101"]\n')
    result = invoke("--config", str(latin), "a.py")
    assert result.exit_code == 2
    assert f"cannot read config file {latin}" in result.stderr
    folder = in_tmp / "folder.toml"
    folder.mkdir()
    result = invoke("--config", str(folder), "a.py")
    assert result.exit_code == 2 and "folder.toml" in result.stderr


def test_unknown_code_on_the_command_line_names_the_flag_source(project):
    result = invoke("--isolated", "--ignore", "FAPI1234", "proj")
    assert result.exit_code == 2
    assert "command line" in result.stderr and "'FAPI1234'" in result.stderr and "`ignore`" in result.stderr


# ---------------------------------------------------------------- extend-blocking-calls, test-paths

DECLARED = '''\
import mylib
from mylib import Client


class Retrying(Client):
    pass


async def refresh(client: Client) -> None:
    mylib.slow()
    client.fetch("/a")
    Retrying().fetch("/b")
    client.close()
    mylib.fast()
'''


def test_extend_blocking_calls_declares_functions_and_methods(project):
    write(project / "src" / "app" / "jobs.py", DECLARED)
    configure(project, 'select = ["FAPI101"]\nextend-blocking-calls = ["mylib.slow", "mylib.Client.fetch"]\n')
    jobs = [item for item in findings("proj") if item["path"].endswith("jobs.py")]
    assert sorted(item["line"] for item in jobs) == [10, 11, 12]
    assert all("extend-blocking-calls" in item["message"] for item in jobs)
    configure(project, 'select = ["FAPI101"]\n')
    assert not [item for item in findings("proj") if item["path"].endswith("jobs.py")]


def test_a_changed_extend_blocking_calls_relints_cached_files(project, monkeypatch):
    write(project / "src" / "app" / "jobs.py", DECLARED)
    monkeypatch.chdir(project)

    def rows() -> list[int]:
        result = invoke("--output-format", "json", "src")  # with the cache
        assert result.exit_code in (0, 1), result.output
        return sorted(item["line"] for item in json.loads(result.stdout) if item["path"].endswith("jobs.py"))

    configure(project, 'select = ["FAPI101"]\nextend-blocking-calls = ["mylib.slow"]\n')
    assert rows() == [10]
    assert rows() == [10]  # warm
    configure(project, 'select = ["FAPI101"]\nextend-blocking-calls = ["mylib.slow", "mylib.Client.fetch"]\n')
    assert rows() == [10, 11, 12]
    configure(project, 'select = ["FAPI101"]\nextend-blocking-calls = ["mylib.slow"]\ntest-paths = ["src/**"]\n')
    assert rows() == []  # a changed test-paths re-lints too: jobs.py is now a test file


HELPER = '''\
import time


async def wait_for_worker() -> None:
    time.sleep(1)
'''


def test_test_paths_default_and_configured(project):
    for name in ("tests/helpers.py", "test/helpers.py", "src/app/test_jobs.py", "src/app/jobs_test.py",
                 "src/conftest.py", "src/app/jobs.py", "src/app/testing.py", "src/test_data/loader.py"):
        write(project / name, HELPER)
    configure(project, 'select = ["FAPI101"]\n')
    flagged = {item["path"] for item in findings("proj")}
    # The files of the `project` fixture: main.py, and tests/test_api.py whose endpoint is the app's.
    assert flagged == {MAIN, TESTS, "proj/src/app/jobs.py", "proj/src/app/testing.py", "proj/src/test_data/loader.py"}
    configure(project, 'select = ["FAPI101"]\ntest-paths = ["src/app/**"]\n')
    flagged = {item["path"] for item in findings("proj")}
    assert "proj/tests/helpers.py" in flagged and "proj/src/app/jobs.py" not in flagged
    configure(project, 'select = ["FAPI101"]\ntest-paths = []\n')
    assert len({item["path"] for item in findings("proj")}) == 10


def test_show_settings_lists_extend_blocking_calls_and_test_paths(project):
    configure(project, 'extend-blocking-calls = ["mylib.slow"]\n')
    result = invoke("--show-settings", "proj/src/app/main.py")
    assert result.exit_code == 0, result.output
    assert 'extend-blocking-calls = ["mylib.slow"]  # pyproject.toml' in result.stdout
    assert 'test-paths = ["test_*.py", "*_test.py", "conftest.py", "**/tests/**", "**/test/**"]  # default' in result.stdout


def test_codes_for_a_file_are_its_rules_codes_without_importing_them(tmp_path):
    """``codes_for`` (the cache's key, from the rule catalog) and ``rules_for`` (the classes the
    lint runs) agree, with per-file-ignores, opt-in rules and version requirements applied."""
    write(tmp_path / "pyproject.toml", '''\
        [tool.fastapi-lint]
        extend-select = ["FAPI106", "FAPI601"]
        ignore = ["FAPI2"]
        per-file-ignores = { "tests/*" = ["FAPI1"], "legacy.py" = ["ALL"] }
        ''')
    settings = load_settings(tmp_path)
    for name in ("app.py", "tests/test_x.py", "legacy.py"):
        path = tmp_path / name
        assert settings.codes_for(path) == tuple(rule.code for rule in settings.rules_for(path))
    assert "FAPI106" in settings.codes_for(tmp_path / "app.py")  # opt-in, selected by its code
    assert not any(code.startswith(("FAPI1", "FAPI2")) for code in settings.codes_for(tmp_path / "tests/test_x.py"))
    assert settings.codes_for(tmp_path / "legacy.py") == ()
