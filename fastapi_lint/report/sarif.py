"""``--output-format sarif``: SARIF 2.1.0, the format code-scanning dashboards (GitHub
code scanning, Azure DevOps, SonarQube) import.

Every rule in the registry is described once under ``tool.driver.rules`` with its name,
summary, help text (the page's "What it does") and help URI; the security rules also
carry a ``security-severity`` and CWE tags (data/security_severity.py), which GitHub code
scanning uses to rank alerts. Each result points at its rule by id and index and carries
a physical location relative to ``%SRCROOT%``: the repository's root (else the project's),
whatever directory the run started in, so a monorepo job run from a subfolder still
names files as the repository does.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from fastapi_lint import __version__
from fastapi_lint.config import DEFAULT_DOCS_URL
from fastapi_lint.data.rule_catalog import RULES
from fastapi_lint.data.security_severity import SECURITY_SEVERITY
from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, Severity
from fastapi_lint.docs import rule_url, what_it_does
from fastapi_lint.report.escape import escape, json_safe
from fastapi_lint.report.gitlab import fingerprints
from fastapi_lint.report.roots import relative_to_root, report_root

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_ENGINE_RULES = {
    PARSE_ERROR_CODE: ("parse-error", "The file cannot be read, decoded or parsed"),
    INTERNAL_ERROR_CODE: ("internal-error", "A rule crashed on this file (a bug in fastapi-lint)"),
}


def _rule_descriptors(docs_url: str) -> list[dict]:
    descriptors = []
    for code, rule in RULES.items():
        help_text = what_it_does(code) or rule.summary
        properties: dict = {"tags": [code[:5] + "xx"]}
        if code in SECURITY_SEVERITY:
            score, cwes = SECURITY_SEVERITY[code]
            properties = {"tags": ["security", *properties["tags"], *(f"external/cwe/cwe-{n}" for n in cwes)],
                          "security-severity": score}
        descriptors.append({
            "id": code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": help_text},
            "help": {"text": help_text, "markdown": help_text},
            "helpUri": rule_url(docs_url, code),
            "defaultConfiguration": {"level": _LEVEL[Severity(rule.severity)], "enabled": rule.default_enabled},
            "properties": properties,
        })
    for code, (name, summary) in _ENGINE_RULES.items():
        descriptors.append({
            "id": code,
            "name": name,
            "shortDescription": {"text": summary},
            "defaultConfiguration": {"level": "error"},
        })
    return descriptors


def _uri(path: str, root: Path) -> tuple[str, bool]:
    """A URI for a reported path: relative to %SRCROOT% (``root``) when the file is under it,
    else an absolute ``file:`` URI."""
    relative = relative_to_root(path, root)
    if relative is None:
        return Path(os.path.abspath(path)).as_uri(), False
    # A URI reference: spaces, '#', '%' and non-ASCII characters are percent-encoded.
    return quote(relative, errors="surrogateescape"), True


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    diagnostics = result.diagnostics
    docs_url = options.get("docs_url") or DEFAULT_DOCS_URL
    rules = _rule_descriptors(docs_url)
    root = report_root(options)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, root)):
        uri, relative = _uri(d.path, root)
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
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.as_uri().rstrip("/") + "/"}},
            "results": results,
        }],
    }
    json.dump(json_safe(log), stream, indent=2)
    stream.write("\n")
