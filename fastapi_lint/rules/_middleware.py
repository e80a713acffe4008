"""Moved to :mod:`fastapi_lint.analysis.middleware`; kept until rules/cors.py imports it from there."""

from fastapi_lint.analysis.middleware import constant_value, middleware_call  # noqa: F401
