"""Plain data types shared by every layer: what a finding is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


# Pseudo-rules the engine itself reports.
PARSE_ERROR_CODE = "FAPI000"
INTERNAL_ERROR_CODE = "FAPI900"


@dataclass(frozen=True, order=True)
class Location:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Diagnostic:
    path: str
    start: Location
    end: Location
    code: str
    name: str
    message: str
    severity: Severity
    url: str | None = None
    fastapi_docs: str | None = None
    fix: Applicability | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.start, self.code, self.message)

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.start.line,
            "column": self.start.column,
            "end_line": self.end.line,
            "end_column": self.end.column,
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "severity": self.severity.value,
            "url": self.url,
            "fastapi_docs": self.fastapi_docs,
            "fixable": self.fix is not None,
            "fix_applicability": self.fix.value if self.fix else None,
        }


@dataclass
class FileResult:
    """Everything the engine learned about one file."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressed: int = 0
    fixed: int = 0  # findings fixed by --fix
    fixed_source: bytes | None = None  # the file after fixes, when they changed it
    source: bytes | None = None  # the file before fixes, kept when they changed it
    source_hash: str | None = None  # content hash of the bytes linted (for the cache)
    reads: frozenset[str] = frozenset()  # modules whose facts its rules read (for the cache)
