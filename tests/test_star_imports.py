"""Names re-exported with ``from module import *`` resolve to their definition (public names,
a literal ``__all__``, chains of star imports, cycles end)."""

from __future__ import annotations

from fastapi_lint.analysis.facts import MODULE_SCOPE, extract_facts
from fastapi_lint.project import Project


def _project(files: dict[str, str]) -> Project:
    return Project({name: extract_facts(source, name, is_package=name.count(".") == 0)
                    for name, source in files.items()})


def test_star_reexports_resolve():
    project = _project({
        "pkg": "from pkg.a import *\nfrom pkg.b import *\n",
        "pkg.a": "__all__ = ['Public']\nclass Public: pass\nclass Unlisted: pass\n",
        "pkg.b": "from pkg.c import *\nclass _Private: pass\n",
        "pkg.c": "from pkg.b import *\nclass Deep: pass\n",  # a cycle with pkg.b
        "use": "from pkg import Public, Unlisted, Deep, _Private, Missing\n",
    })
    use = project.modules["use"]
    resolved = {name: project.resolve(use, MODULE_SCOPE, name) for name in ("Public", "Unlisted", "Deep", "_Private",
                                                                            "Missing")}
    assert resolved["Public"].project_ref == ("pkg.a", "Public")
    assert resolved["Deep"].project_ref == ("pkg.c", "Deep")
    for name in ("Unlisted", "_Private", "Missing"):  # not exported: an external-looking name, as before
        assert resolved[name].project_ref is None, name


def test_a_local_binding_wins_over_a_star_import():
    project = _project({
        "pkg": "from pkg.a import *\nPublic = None\n",
        "pkg.a": "class Public: pass\n",
    })
    assert project.resolve(project.modules["pkg"], MODULE_SCOPE, "Public").project_ref is None
