"""Moved to :mod:`fastapi_lint.analysis.url_templates`; this alias goes when tests/test_hangs.py
imports it from there."""

from fastapi_lint.analysis.url_templates import _PARAM, CONVERTOR_REGEX, path_matcher  # noqa: F401
