"""fastapi-lint: a static-analysis linter for FastAPI applications.

The Python API is what ``__all__`` names: :func:`check` lints paths, :func:`check_source`
a piece of source, both returning plain dataclasses (:class:`Finding`, :class:`CheckResult`);
:class:`UsageError` is raised for bad paths or configuration. Every other module of the
package is internal and may change without notice.
"""

__version__ = "0.1.0"

# Light on purpose: `import fastapi_lint` and `fastapi-lint --version` must not import
# libcst or the rules; check() and check_source() import them on their first call.
from fastapi_lint.errors import UsageError  # noqa: E402
from fastapi_lint.public import CheckResult, Finding, check, check_source  # noqa: E402

__all__ = ["CheckResult", "Finding", "UsageError", "__version__", "check", "check_source"]
