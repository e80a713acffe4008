"""Moved to blocking_call_in_async.py; this alias goes when tests/test_hangs.py imports the
rule from the registry."""

from fastapi_lint.rules.blocking_call_in_async import BlockingCallInAsync  # noqa: F401
