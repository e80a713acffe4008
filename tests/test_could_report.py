"""``Rule.could_report`` only saves work: skipping the libcst parse of a file where no rule
could report must never lose a finding. Every fixture project is linted with all rules, once
as the engine does and once with every rule claiming it could report everywhere; the
findings must be the same. The reading of calls and written syntax the answers rest on
(``FileView``) is checked on its own below."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastapi_lint.analysis.facts import extract_facts
from fastapi_lint.analysis.file_view import CallSite, FileView
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.api import lint_paths
from fastapi_lint.config import Settings
from fastapi_lint.project import Project
from fastapi_lint.rules import ALL_RULES
from fastapi_lint.rules.pydantic_v1_method import _may_call_a_model

from conftest import FIXTURES


def _findings(root: Path) -> list[tuple]:
    result = lint_paths([root], Settings(root=root, select=("ALL",)))
    return sorted((d.path, d.start.line, d.start.column, d.code, d.message) for d in result.diagnostics)


def _project_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and any(p.rglob("*.py")))


@pytest.mark.parametrize("root", _project_dirs(), ids=lambda p: p.name)
def test_skipping_files_no_rule_could_report_in_loses_nothing(root: Path, monkeypatch) -> None:
    filtered = _findings(root)
    for rule in ALL_RULES.values():
        monkeypatch.setattr(rule, "could_report", classmethod(lambda cls, view: True))
    assert filtered == _findings(root)


def _view(source: str, text: str | None = None) -> FileView:
    facts = extract_facts(source, "app.main")
    project = Project({"app.main": facts})
    return FileView(ModuleModel(facts, project), source if text is None else text)


def _sites(view: FileView) -> set[tuple[str, str | None, str]]:
    return {(site.scope, site.function, site.callee) for site in view.call_sites}


def test_call_sites_cover_every_scope_and_methods_of_call_results() -> None:
    view = _view(
        "import httpx, requests\n"
        "client = httpx.Client().get('x')\n"
        "@router.get(make_path())\n"
        "async def read(x=default()):\n"
        "    requests.get(url)\n"
        "    class Inner:\n"
        "        value = compute()\n"
        "    handlers[0]()\n"
        "    return Path(p).read_text().strip()\n"
    )
    assert _sites(view) == {
        ("", None, "httpx.Client"), ("", None, "httpx.Client().get"),
        ("", None, "router.get"), ("", None, "make_path"), ("", None, "default"),
        ("read", "read", "requests.get"), ("read/Inner", "read", "compute"),
        ("read", "read", "Path"), ("read", "read", "Path().read_text"), ("read", "read", "Path().read_text().strip"),
    }
    assert CallSite("", None, "httpx.Client().get").method == "get"
    assert CallSite("", None, "helper").method is None


def test_a_method_of_a_call_result_resolves_on_the_class_the_call_returns() -> None:
    view = _view("import httpx\nhttpx.Client().get('x')\nhttpx.get('y')\n")
    by_callee = {site.callee: site for site in view.call_sites}
    symbol = view.callee(by_callee["httpx.Client().get"])
    assert (symbol.receiver_type, symbol.attr) == ("httpx.Client", "get")
    assert view.qualname(by_callee["httpx.get"]) == "httpx.get"
    assert view.qualname(by_callee["httpx.Client().get"]) is None  # FileContext.qualname reads name chains


def test_calls_the_facts_could_not_all_see_make_every_call_test_pass() -> None:
    assert _view("x = y" + ".a()" * 16 + "\n").call_sites is not None
    view = _view("x = y" + ".a()" * 40 + "\n")  # each call of the chain is a callee: not all are spelled
    assert view.call_sites is None
    assert view.any_call(lambda site: False)


@pytest.mark.parametrize("text, found", [
    ("APIRouter(prefix='/x')", True),
    ("APIRouter(\n    tags=[],  # comment\n    prefix = '/x',\n)", True),
    ("f(a, \\\n prefix='/x')", True),
    ("f(a,  # comment\r    prefix='/x')", True),
    ("prefix = '/x'", False),  # an assignment, not an argument
    ("f(prefix == '/x')", False),
    ("f(my_prefix='/x')", False),
    ("# prefix", False),
])
def test_keyword_argument(text: str, found: bool) -> None:
    assert _view("", text).keyword_argument("prefix") is found


@pytest.mark.parametrize("text, found", [
    ("FastAPI(debug=True)", True),
    ("FastAPI(title='x', debug = True)", True),
    ("FastAPI(debug=\n    True)", True),
    ("FastAPI(debug=settings.debug)", False),
    ("FastAPI(debug=True_value)", False),
    ("FastAPI(debug=False)", False),
])
def test_keyword_argument_with_a_value(text: str, found: bool) -> None:
    assert _view("", text).keyword_argument("debug", value="True") is found


@pytest.mark.parametrize("text, found", [
    ("status.HTTP_422_UNPROCESSABLE_ENTITY", True),
    ("from fastapi.responses import ORJSONResponse", True),
    ("MyORJSONResponse", False),
    ("ORJSONResponse2", False),
])
def test_mentions_word(text: str, found: bool) -> None:
    assert _view("", text).mentions_word("ORJSONResponse", "HTTP_422_UNPROCESSABLE_ENTITY") is found


@pytest.mark.parametrize("source, found", [
    ("URL = 'postgresql://app:s3cret@db.example.com/shop'\n", True),
    ("def f():\n    return {'url': 'postgresql://' 'app:s3cret@db/shop'}\n", True),  # concatenated
    ("URL = 'https://example.com'\nEMAIL = 'me@example.com'\n", False),
    ("URL = b'postgresql://app:s3cret@db/shop'\n", False),  # bytes: never a URL the rule reads
    ('"""See https://medium.com/@author/post and mailto://me@example.com."""\n', False),  # no password
    ("URL = 'https://app:s3cret@api.example.com/v1'\n", False),  # not a database
    ("URL = 'postgresql://postgres:postgres@db/shop'\n", False),  # the image's default
    ("URL = 'mysql+pymysql://app:${DB_PASSWORD}@db/shop'\n", False),  # a placeholder
])
def test_password_urls(source: str, found: bool) -> None:
    assert extract_facts(source, "m").password_url is found


@pytest.mark.parametrize("question, source, expected", [
    ("awaited_or_passed",  # callees an async def only ever awaits or passes on
     "import asyncio\n"
     "async def read(request):\n"
     "    body = await request.json()\n"
     "    await request.form()\n"
     "    request.form()\n"
     "    await make().send()\n"
     "    asyncio.create_task(work(), name=label())\n"
     "    asyncio.gather(*jobs())\n"
     "    return request.body()\n"
     "def sync(request):\n"
     "    return request.json()\n",
     {"request.json", "make().send", "work", "label"}),
    ("discarded",  # calls whose result is thrown away
     "import asyncio\n"
     "async def run():\n"
     "    asyncio.create_task(work())\n"
     "    task = asyncio.ensure_future(work())\n"
     "    asyncio.create_task(other()).add_done_callback(log)\n"
     "    return [asyncio.gather(x) for x in y]\n",
     {"asyncio.create_task", "asyncio.create_task().add_done_callback"}),
])
def test_how_a_def_uses_a_call(question: str, source: str, expected: set[str]) -> None:
    view = _view(source)
    assert {site.callee for site in view.call_sites if getattr(view, question)(site)} == expected


def test_loops_are_read_from_the_text() -> None:
    view = _view("", "for user in users:\n    pass\nnames = [m.dict() for m, _ in load(x)]\n"
                     "async for (a,\n   b) in self . stream: pass\nfor q in (\n    qs):\n    pass\n")
    assert view.loops == {
        "user": ["users"], "m": ["load()"], "_": ["load()"], "a": ["self.stream"], "b": ["self.stream"], "q": [None],
    }


def test_a_loop_variable_may_be_a_model_only_when_the_loop_says_so() -> None:
    source = (
        "from pydantic import BaseModel\n"
        "class Item(BaseModel):\n"
        "    name: str\n"
        "def load() -> list[Item]: ...\n"
        "def names(items: list[Item], rows: list[dict], later):\n"
        "    for a in items: a.dict()\n"
        "    for b in rows: b.copy()\n"
        "    for c in load(): c.json()\n"
        "    for d in zip(items, rows): d.copy()\n"
        "    for e in later: e.json()\n"
        "    for f in (\n        items): f.dict()\n"
    )
    facts = extract_facts(source, "app.models")
    view = FileView(ModuleModel(facts, Project({"app.models": facts})), source)
    candidates = {site.callee for site in view.call_sites if _may_call_a_model(view, site)}
    assert candidates == {"a.dict", "c.json", "f.dict"}


def test_calls_given_a_call_result_as_a_positional_argument() -> None:
    """``FileView.given_a_call``: where FAPI108 can find ``run_in_threadpool(f(x))``."""
    view = _view(
        "from starlette.concurrency import run_in_threadpool\nimport asyncio\n"
        "x = run_in_threadpool(load())\n"
        "async def read():\n    await asyncio.to_thread(load(), 1)\n    await run_in_threadpool(load, key=make())\n"
        "class C:\n    y = wrap(*a, make())\n    def m(self):\n        return self.pool.submit(g(1))\n"
    )
    given = {(site.scope, site.callee) for site in view.call_sites if view.given_a_call(site)}
    assert given == {("", "run_in_threadpool"), ("read", "asyncio.to_thread"), ("C/m", "self.pool.submit")}


def test_a_def_leaves_where_a_statement_of_its_own_body_returns_or_raises() -> None:
    """``FunctionFacts.leaves``: the body never runs off its end (FAPI605 need not look)."""
    facts = extract_facts(
        "def returns(v):\n    v = v.strip()\n    return v\n"
        "def raises(v):\n    raise ValueError(v)\n"
        "def same_line(v): v = 1; return v\n"
        "def nested(v):\n    if v:\n        return v\n"
        "def in_loop(v):\n    for x in v:\n        return x\n"
        "def inner(v):\n    def f():\n        return v\n",
        "app.models",
    )
    assert {key for key, function in facts.functions.items() if function.leaves} == {
        "returns", "raises", "same_line", "inner/f"}  # not "inner": its def returns, not itself


def test_a_def_builds_strings_where_it_formats_values_into_one() -> None:
    """``FunctionFacts.builds_strings``: the ways FAPI407's flow makes SQL of data (with
    ``.format``/``.join``, which the attributes hold); a nested def's are its own."""
    facts = extract_facts(
        "def fstring(x): q = f'SELECT {x}'\n"
        "def plain(): q = f'SELECT 1'\n"
        "def plus(x): q = 'SELECT ' + x\n"
        "def modulo(x):\n    q = 'SELECT %s'\n    q %= x\n"
        "def outer(x):\n    def inner(): return 'a' + x\n    return inner\n"
        "def method(x): return 'SELECT {}'.format(x)\n",
        "app.db",
    )
    assert {key for key, function in facts.functions.items() if function.builds_strings} == {
        "fstring", "plus", "modulo", "outer/inner"}
    assert "format" in facts.functions["method"].attributes
