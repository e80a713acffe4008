"""Moved to :mod:`fastapi_lint.analysis.model`; this alias goes when engine.py and
routing.py import it from there."""

from fastapi_lint.analysis.model import ModuleModel, Registration  # noqa: F401
