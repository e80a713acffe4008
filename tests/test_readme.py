"""The README's promises: its first commands, and a rule table that matches the registry."""

from __future__ import annotations

from fastapi_lint.docs import README_BEGIN, README_END, rules_table_markdown

from conftest import ROOT


def test_rule_table_matches_registry() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(README_BEGIN) + len(README_BEGIN) : text.index(README_END)].strip()
    assert block == rules_table_markdown(), "README rule table is stale: run `python -m fastapi_lint.docs`"


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line for line in text.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) >= 2
    install_and_lint, install_and_test = commands[:2]
    assert "fastapi-lint examples/demo_app" in install_and_lint
    assert "pytest" in install_and_test
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_pre_commit_hook_declares_the_linter() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "id: fastapi-lint" in text and "entry: fastapi-lint --force-exclude" in text
    assert "types: [python]" in text


def test_every_flag_and_format_the_readme_shows_exists() -> None:
    import re

    from click.testing import CliRunner

    from fastapi_lint.cli import main
    from fastapi_lint.report import FORMATS

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    formats = set(re.findall(r"--output-format (\w+)", text))
    assert formats and formats <= set(FORMATS)
    help_text = CliRunner().invoke(main, ["check", "--help"]).output
    flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", text)) - {"--help"}
    missing = {flag for flag in flags if flag not in help_text}
    assert not missing, f"README mentions flags the CLI does not have: {sorted(missing)}"


def test_yaml_snippets_parse() -> None:
    import re

    yaml = __import__("pytest").importorskip("yaml")  # comes with pre-commit
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert len(blocks) >= 3
    for block in blocks:
        assert yaml.safe_load(block)
