from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run a test from an empty temporary directory (no stray pyproject.toml)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
