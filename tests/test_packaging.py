"""What a user installs: the built wheel and sdist carry the licence text, the rule pages
`fastapi-lint explain` reads, and metadata that names the licence."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile

import pytest

from conftest import ROOT

pytest.importorskip("hatchling")  # a test extra: `pip install -e '.[test]'`

_BUILD = (
    "import sys; from hatchling.build import build_sdist, build_wheel; "
    "print(build_wheel(sys.argv[1])); print(build_sdist(sys.argv[1]))"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-c", _BUILD, str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    wheel, sdist = done.stdout.split()
    return out / wheel, out / sdist


def test_wheel_ships_the_licence_and_the_pages(built):
    wheel, _ = built
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        licences = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert licences, names
        assert "MIT License" in archive.read(licences[0]).decode()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
    assert "fastapi_lint/pages/FAPI101.md" in names


def test_sdist_ships_the_licence(built):
    _, sdist = built
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        licence = next(n for n in names if n.count("/") == 1 and n.endswith("/LICENSE"))
        assert "MIT License" in archive.extractfile(licence).read().decode()
    assert any(n.endswith("/rules/FAPI101.md") for n in names)
