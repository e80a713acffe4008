"""``--output-format sarif``: SARIF 2.1.0, the format code-scanning dashboards (GitHub
code scanning, Azure DevOps, SonarQube) import.

Every rule in the registry is described once under ``tool.driver.rules`` with its name,
summary, help text (the page's "What it does") and help URI; each result points at
its rule by id and index and carries a physical location relative to the run's root.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from fastapi_lint import __version__
from fastapi_lint.config import DEFAULT_DOCS_URL
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Severity
from fastapi_lint.docs import PageNotFound, rule_page
from fastapi_lint.engine import rule_url
from fastapi_lint.report.escape import escape, json_safe
from fastapi_lint.report.gitlab import fingerprints

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_ENGINE_RULES = {
    PARSE_ERROR_CODE: ("parse-error", "The file cannot be read, decoded or parsed"),
    INTERNAL_ERROR_CODE: ("internal-error", "A rule crashed on this file (a bug in fastapi-lint)"),
}


def _what_it_does(code: str) -> str | None:
    try:
        page = rule_page(code)
    except PageNotFound:
        return None
    match = re.search(r"^## What it does\s*$(.*?)(?=^## |\Z)", page, re.MULTILINE | re.DOTALL)
    return match.group(1).strip() if match else None


def _rule_descriptors(docs_url: str) -> list[dict]:
    from fastapi_lint.rules import ALL_RULES

    descriptors = []
    for code, rule in ALL_RULES.items():
        help_text = _what_it_does(code) or rule.summary
        descriptors.append({
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": help_text},
            "help": {"text": help_text, "markdown": help_text},
            "helpUri": rule_url(docs_url, code),
            "defaultConfiguration": {"level": _LEVEL[rule.severity], "enabled": rule.default_enabled},
            "properties": {"tags": [code[:5] + "xx"]},
        })
    for code, (name, summary) in _ENGINE_RULES.items():
        descriptors.append({
            "id": code,
            "name": name,
            "shortDescription": {"text": summary},
            "defaultConfiguration": {"level": "error"},
        })
    return descriptors


def _uri(path: str) -> tuple[str, bool]:
    """A URI for a reported path: relative paths stay relative to %SRCROOT%."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri(), False
    # A URI reference: spaces, '#', '%' and non-ASCII characters are percent-encoded.
    return quote(p.as_posix(), errors="surrogateescape"), True


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    diagnostics = result.diagnostics
    docs_url = options.get("docs_url") or DEFAULT_DOCS_URL
    rules = _rule_descriptors(docs_url)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics)):
        uri, relative = _uri(d.path)
        artifact = {"uri": uri, **({"uriBaseId": "%SRCROOT%"} if relative else {})}
        shown = escape(d.path)
        if shown != d.path:
            # The URI percent-encodes the name's real bytes (so it still finds the file); the
            # escaped name every other report shows goes alongside.
            artifact["description"] = {"text": shown}
        results.append({
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": {
                        "startLine": d.start.line,
                        "startColumn": d.start.column,
                        "endLine": d.end.line,
                        "endColumn": d.end.column,
                    },
                }
            }],
            "partialFingerprints": {"fastapiLint/v1": fingerprint},
        })
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "fastapi-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://github.com/fastapi-lint/fastapi-lint",
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "results": results,
        }],
    }
    json.dump(json_safe(log), stream, indent=2)
    stream.write("\n")
