"""Rule pages (``rules/CODE.md``), available offline: shipped inside the wheel as
``fastapi_lint/pages/``, read from the checkout's ``rules/`` when run from source."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_LOCATIONS = (_PACKAGE / "pages", _PACKAGE.parent / "rules")


class PageNotFound(Exception):
    pass


def pages_dir() -> Path | None:
    return next((d for d in _LOCATIONS if d.is_dir()), None)


def rule_page(code: str) -> str:
    from fastapi_lint.rules import ALL_RULES

    if code not in ALL_RULES:
        raise PageNotFound(f"unknown rule code {code!r}; `fastapi-lint rules` lists them")
    directory = pages_dir()
    page = directory / f"{code}.md" if directory else None
    if page is None or not page.is_file():
        raise PageNotFound(f"the page for {code} is missing from this installation")
    return page.read_text(encoding="utf-8")
