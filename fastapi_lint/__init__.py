"""fastapi-lint: a static-analysis linter for FastAPI applications."""

__version__ = "0.1.0"

from fastapi_lint.api import RunResult, lint_paths, lint_text  # noqa: E402
from fastapi_lint.diagnostics import Diagnostic, Severity  # noqa: E402

__all__ = ["Diagnostic", "RunResult", "Severity", "__version__", "lint_paths", "lint_text"]
