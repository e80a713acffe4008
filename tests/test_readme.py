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
    help_text = "".join(CliRunner().invoke(main, [command, "--help"]).output for command in main.commands)
    # Flags of fastapi-lint itself (pip's and pre-commit's own are their business).
    ours = "\n".join(line for line in text.splitlines()
                     if not re.match(r"\s*(- )?pip ", line) and "pre-commit run" not in line)
    flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", ours)) - {"--help"}
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


def _yaml_blocks(text: str) -> list[str]:
    import re

    return re.findall(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_install_instructions_say_what_works_before_a_release() -> None:
    """No release is published yet: every `pip install fastapi-lint` (from PyPI) in the README
    is labelled as the published form, and the forms that work today are there."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"pip install fastapi-lint(?! @)", line):
            assert re.search(r"[Oo]nce (a release is )?published", line), f"unlabelled PyPI install: {line!r}"
    assert "no release on PyPI yet" in text
    for works_today in ("pip install /path/to/fastapi-lint", "git+https://", "pip wheel "):
        assert works_today in text


def test_published_pre_commit_snippet_names_this_version_and_real_hooks() -> None:
    import yaml

    from fastapi_lint import __version__

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    configs = [yaml.safe_load(block) for block in _yaml_blocks(text)]
    published = [repo for config in configs if isinstance(config, dict) for repo in config.get("repos", ())
                 if repo["repo"].startswith("https://")]
    assert published, "no published pre-commit snippet"
    for repo in published:
        assert repo["rev"] == f"v{__version__}", "the release checklist (CONTRIBUTING.md) sets rev: to the tag"
        assert {hook["id"] for hook in repo["hooks"]} <= hooks


def test_release_checklist() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    checklist = text[text.index("## Releasing"):]
    for step in ("__version__", "fastapi_lint/__init__.py", "CHANGELOG.md", "git tag", "v<version>", "rev:"):
        assert step in checklist, step
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
