"""``--output-format concise``: one line per finding, for grep and editors.

``path:line:col: CODE [*] severity: message``: Ruff's line (``[*]``: a safe fix exists) with
the severity (``error``, ``warning`` or ``info``) before the message, as compilers write it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from fastapi_lint.diagnostics import Applicability
from fastapi_lint.report.escape import escape

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    for d in result.diagnostics:
        star = " [*]" if d.fix is Applicability.SAFE else ""
        stream.write(f"{escape(d.path)}:{d.start.line}:{d.start.column}: {d.code}{star} {d.severity.value}: "
                     f"{escape(d.message)}\n")
