"""Moved to :mod:`fastapi_lint.analysis.route_nodes`; kept until rules/route_table.py imports it from there."""

from fastapi_lint.analysis.route_nodes import Entry, RouteWalker, exclusive  # noqa: F401
