"""Every rule has a page in rules/CODE.md with the standard sections, and the page's own
examples behave: "Example" is flagged by the rule, "Use instead" is not."""

from __future__ import annotations

import re

import pytest

from fastapi_lint.api import lint_text
from fastapi_lint.config import Settings
from fastapi_lint.docs import rule_page
from fastapi_lint.rules import ALL_RULES

from conftest import CATALOG, OPT_IN, ROOT

SECTIONS = ["What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Sources"]
CODES = sorted(ALL_RULES)
_FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)


def page(code: str) -> str:
    path = ROOT / "rules" / f"{code}.md"
    assert path.is_file(), f"{path} is missing"
    return path.read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    """Markdown headings outside fenced code blocks (a `# comment` in code is not one)."""
    return re.findall(r"^(#{1,6} .*?)\s*$", _FENCE.sub("", text), re.MULTILINE)


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no `## {title}` section"
    return match.group(1)


def first_python_block(text: str, title: str) -> str:
    match = re.search(r"^```python[ \t]*\n(.*?)^```[ \t]*$", section(text, title), re.MULTILINE | re.DOTALL)
    assert match, f"no ```python block under `## {title}`"
    return match.group(1)


def test_every_catalog_rule_exists_and_nothing_else():
    assert CODES == list(CATALOG)


def test_opt_in_rules_are_the_catalog_ones():
    assert {code for code, rule in ALL_RULES.items() if not rule.default_enabled} == OPT_IN


def test_no_page_without_a_rule():
    pages = {p.stem for p in (ROOT / "rules").glob("*.md")}
    assert pages == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_page_title_is_code_and_name(code):
    first_line = page(code).splitlines()[0]
    assert first_line == f"# {code}: {ALL_RULES[code].name}"


@pytest.mark.parametrize("code", CODES)
def test_page_sections_in_order(code):
    found = headings(page(code))
    assert found[0] == f"# {code}: {ALL_RULES[code].name}"
    assert sum(h.startswith("# ") for h in found) == 1, "exactly one top-level heading"
    level2 = [h[3:] for h in found if h.startswith("## ")]
    required = [h for h in level2 if h in SECTIONS]
    assert required == SECTIONS, f"sections found: {level2}"


@pytest.mark.parametrize("code", CODES)
def test_sections_are_not_empty(code):
    text = page(code)
    for title in SECTIONS:
        assert section(text, title).strip(), f"`## {title}` is empty"


@pytest.mark.parametrize("code", CODES)
def test_sources_cite_a_seed_file_and_a_url(code):
    sources = section(page(code), "Sources")
    assert re.search(r"\b\d{3}_[0-9A-Za-z]+\.txt\b", sources), "no seed file (NNN_....txt) cited"
    assert re.search(r"https://\S+", sources), "no https URL cited"


@pytest.mark.parametrize("code", CODES)
def test_fastapi_docs_link_of_the_rule_is_on_its_page(code):
    docs = ALL_RULES[code].fastapi_docs
    if docs:
        assert docs in page(code)


@pytest.mark.parametrize("code", CODES)
def test_example_is_flagged(tmp_path, code):
    example = first_python_block(page(code), "Example")
    found = lint_text(example, settings=Settings(root=tmp_path, select=(code,)))
    assert [d.code for d in found if d.code == code], f"the `## Example` of {code} is not flagged"
    assert {d.code for d in found} == {code}, [(d.code, d.message) for d in found]


@pytest.mark.parametrize("code", CODES)
def test_use_instead_is_clean(tmp_path, code):
    fixed = first_python_block(page(code), "Use instead")
    found = lint_text(fixed, settings=Settings(root=tmp_path, select=(code,)))
    assert [(d.code, d.start.line, d.message) for d in found] == []


@pytest.mark.parametrize("code", CODES)
def test_explain_serves_the_same_page(code):
    assert rule_page(code) == page(code)
