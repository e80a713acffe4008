"""Moved to :mod:`fastapi_lint.analysis.facts`; this alias goes when engine.py and
routing.py import it from there."""

from fastapi_lint.analysis.facts import *  # noqa: F401,F403
from fastapi_lint.analysis.facts import ModuleFacts  # noqa: F401
