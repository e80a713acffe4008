"""Moved to :mod:`fastapi_lint.analysis.names`; this alias goes when discovery.py, routing.py
and rules/cors.py import it from there."""

from fastapi_lint.analysis.names import call_keyword, canonical, packages_above  # noqa: F401
