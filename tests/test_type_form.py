"""Resolver.type_form: the one reading of an annotation's top level (Optional/Union/``X | None``,
Annotated, type aliases in other modules, string annotations where the reader asks), and the
readers built on it (annotation_type, admits_none, element_types)."""

from __future__ import annotations

import ast

from fastapi_lint.analysis.facts import MODULE_SCOPE, extract_facts, summarise
from fastapi_lint.analysis.parameters import admits_none, element_types
from fastapi_lint.project import Project

TYPES = '''
from typing import Annotated, Optional, Union
from fastapi import Depends
from app.models import Item

MaybeItem = Optional[Item]
ItemDep = Annotated[Item, Depends(object)]
'''
MODELS = "class Item:\n    pass\n"


def _project() -> tuple[Project, object]:
    modules = {
        "app.models": extract_facts(MODELS, "app.models"),
        "app.types": extract_facts(TYPES, "app.types"),
        "app.main": extract_facts("from typing import Optional, Union\nfrom app.types import ItemDep, MaybeItem\n"
                                  "from app.models import Item\n", "app.main"),
    }
    return Project(modules), modules["app.main"]


def _value(text: str):
    return summarise(ast.parse(text, mode="eval").body)


def test_kinds_of_annotations():
    project, facts = _project()
    form = lambda text, **kw: project.type_form(facts, MODULE_SCOPE, _value(text), **kw)  # noqa: E731
    assert form("None").kind == "none"
    assert (form("Item").kind, form("Item").qualname) == ("class", "app.models.Item")
    assert form("Item | None").kind == "union"
    assert form("Optional[Item]").items[-1].value is None
    assert form("Union[Item, int]").kind == "union"
    assert form("ItemDep").kind == "annotated"  # an alias in another module
    assert form("ItemDep").facts.module == "app.types"  # its names resolve where it is defined
    assert form("MaybeItem").kind == "union"
    assert (form("list[Item]").kind, form("list[Item]").qualname) == ("generic", "builtins.list")
    assert form("'Item'").kind == "unknown"  # strings only where the reader asks
    assert form("'Item'", strings=True).qualname == "app.models.Item"


def test_readers_agree():
    project, facts = _project()
    for text in ("Item", "Optional[Item]", "Item | None", "Union[Item, None]", "MaybeItem", "ItemDep", "'Item'"):
        assert project.annotation_type(facts, MODULE_SCOPE, _value(text)) == "app.models.Item", text
    assert project.annotation_type(facts, MODULE_SCOPE, _value("Union[Item, int]")) is None
    assert admits_none(project, facts, MODULE_SCOPE, _value("MaybeItem")) is True
    assert admits_none(project, facts, MODULE_SCOPE, _value("ItemDep")) is False
    assert admits_none(project, facts, MODULE_SCOPE, _value("'Item'")) is None  # not read
    assert element_types(project, facts, MODULE_SCOPE, _value("Optional[list[Item]]")) == [("app.models.Item", True)]
    assert element_types(project, facts, MODULE_SCOPE, _value("Item | None")) == [("app.models.Item", False)]


def test_node_type_form_reads_nodes_as_type_form_reads_facts():
    """The libcst reading (analysis.responses.node_type_form, for rules that point at or rewrite
    the annotation) gives the kind and qualname the facts reading gives."""
    import libcst as cst

    from fastapi_lint.analysis.model import ModuleModel
    from fastapi_lint.analysis.responses import node_type_form
    from fastapi_lint.rule import FileContext

    project, facts = _project()
    ctx = FileContext("app/main.py", ModuleModel(facts, project))
    for text in ("None", "Item", "Item | None", "Optional[Item]", "Union[Item, int]", "list[Item]", "Item()"):
        node, value = cst.parse_expression(text), _value(text)
        read, expected = node_type_form(ctx, node), project.type_form(facts, MODULE_SCOPE, value)
        assert (read.kind, read.qualname, len(read.items)) == (expected.kind, expected.qualname, len(expected.items)), text
    assert node_type_form(ctx, cst.parse_expression("'Item'")).kind == "unknown"  # strings only where asked
    string = node_type_form(ctx, cst.parse_expression("'Optional[Item]'"), strings=True)
    assert string.kind == "union" and [cst.Module([]).code_for_node(i) for i in string.items] == ["Item", "None"]
