"""fastapi-lint: a static-analysis linter for FastAPI applications."""

__version__ = "0.1.0"

__all__ = ["Diagnostic", "RunResult", "Severity", "__version__", "lint_paths", "lint_text"]

# Imported on first use: `fastapi-lint --version` and `import fastapi_lint` stay instant
# (the linting machinery imports libcst).
_LAZY = {"RunResult": "fastapi_lint.api", "lint_paths": "fastapi_lint.api", "lint_text": "fastapi_lint.api",
         "Diagnostic": "fastapi_lint.diagnostics", "Severity": "fastapi_lint.diagnostics"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fastapi_lint' has no attribute {name!r}")
