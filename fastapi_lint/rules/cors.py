"""Moved to :mod:`fastapi_lint.analysis.cors` (the rules: cors_wildcard_credentials.py and
cors_wildcard_origin.py); this alias goes when tests/test_hangs.py imports from there."""

