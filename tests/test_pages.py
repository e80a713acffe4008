"""Every rule has a page in rules/CODE.md with the standard sections, and the page's own
examples behave: "Example" is flagged by the rule, "Use instead" is not."""

from __future__ import annotations

import re

import pytest

from fastapi_lint.api import lint_text
from fastapi_lint.config import Settings
from fastapi_lint.docs import rule_page
from fastapi_lint.rules import ALL_RULES

from conftest import ROOT

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


def test_every_rule_has_a_code_of_the_catalog_form():
    assert all(re.fullmatch(r"FAPI\d{3}", code) for code in CODES)


def test_a_rule_is_opt_in_exactly_when_its_page_says_so():
    opt_in = {code for code, rule in ALL_RULES.items() if not rule.default_enabled}
    assert opt_in == {code for code in CODES if re.search(r"\bopt-in\b", page(code), re.IGNORECASE)}


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


# The Q&A guides pages may cite, by title, with the questions that have an answer.
GUIDES = {
    "FastAPI Interview Questions & Answers": range(1, 31),
    "70 FastAPI Interview Questions and Answers (2026)": range(1, 53),  # Q53-Q70 are unanswered
    "FastAPI Advanced Interview Q&A": range(1, 41),
    "Prepare for Your FastAPI Interview: Basic to Advanced Questions": range(1, 31),
    "FastAPI Interview Questions: Comprehensive Guide for Web API Development": range(1, 38),
}


@pytest.mark.parametrize("code", CODES)
def test_no_page_names_a_file_readers_cannot_open(code):
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", page(code))


@pytest.mark.parametrize("code", CODES)
def test_sources_cite_guides_by_title_and_question_and_link_the_docs(code):
    """Each guide by its title and each question by number and topic ("*FastAPI Interview
    Questions & Answers*, Q18 — Database Sessions"); a question the guide leaves unanswered
    only with a sentence saying so; and at least one documentation URL."""
    sources = section(page(code), "Sources")
    assert re.search(r"https://\S+", sources), "no https URL cited"
    for bullet in re.findall(r"^- (.*)$", sources, re.MULTILINE):
        parts = re.split(r"\*([^*]+)\*, (?=Q\d)", bullet)  # [text, title, its citations, title, ...]
        assert not re.search(r"\bQ\d", parts[0]), f"a question cited without its guide's title: {bullet!r}"
        for title, text in zip(parts[1::2], parts[2::2]):
            assert title in GUIDES, f"unknown guide title {title!r}"
            for question in re.finditer(r"\bQ(\d+)\b", text):
                if int(question.group(1)) not in GUIDES[title]:
                    assert "no answer" in bullet, f"{title} Q{question.group(1)} has no answer: say so or cite another"
                else:
                    assert text[question.end():].startswith(" — "), \
                        f"{title} Q{question.group(1)}: name the question's topic after ' — '"


@pytest.mark.parametrize("code", CODES)
def test_fix_safety_matches_the_registry(code):
    """The first word in bold under "Fix safety" is what the registry says the rule's best fix is."""
    fix_safety = section(page(code), "Fix safety")
    stated = re.search(r"\*\*(safe|unsafe|no autofix)\*\*", fix_safety)
    assert stated, "start `## Fix safety` with **safe**, **unsafe** or **no autofix**"
    fix = ALL_RULES[code].fix
    assert stated.group(1) == (fix.value if fix else "no autofix")


def test_router_prefix_page_warns_about_python_optimize():
    text = page("FAPI210")
    assert "python -O" in text and "404" in text


@pytest.mark.parametrize("code", CODES)
def test_fastapi_docs_link_of_the_rule_is_on_its_page(code):
    docs = ALL_RULES[code].fastapi_docs
    if docs:
        assert docs in page(code)


def selection(code: str, block: str) -> tuple[str, ...]:
    """The rule, plus the rules a block's ``# noqa`` comments name: FAPI001 only judges the
    codes of rules that run."""
    return (code, *sorted({c for c in re.findall(r"#\s*noqa:\s*([A-Z0-9, ]+)", block) for c in re.findall(r"FAPI\d{3}", c)}))


@pytest.mark.parametrize("code", CODES)
def test_example_is_flagged(tmp_path, code):
    example = first_python_block(page(code), "Example")
    found = lint_text(example, settings=Settings(root=tmp_path, select=selection(code, example)))
    assert [d.code for d in found if d.code == code], f"the `## Example` of {code} is not flagged"
    assert {d.code for d in found} == {code}, [(d.code, d.message) for d in found]


@pytest.mark.parametrize("code", CODES)
def test_use_instead_is_clean(tmp_path, code):
    fixed = first_python_block(page(code), "Use instead")
    found = lint_text(fixed, settings=Settings(root=tmp_path, select=selection(code, page(code))))
    assert [(d.code, d.start.line, d.message) for d in found] == []


@pytest.mark.parametrize("code", CODES)
def test_explain_serves_the_same_page(code):
    assert rule_page(code) == page(code)
