"""``--output-format junit``: JUnit XML for CI systems that chart test reports.

One test suite per file with findings and one test case per finding, as Ruff writes it,
so the counts add up (``tests`` is the number of findings). A finding at or above the
run's ``fail-on`` severity is a ``<failure>``; one below it is a passing case whose
``<system-out>`` holds it, so the report fails exactly when the exit code does. A crashed
rule (FAPI900) is an ``<error>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from fastapi_lint.diagnostics import INTERNAL_ERROR_CODE
from fastapi_lint.report.escape import escape
from fastapi_lint.severity import rank

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    threshold = rank(options.get("fail_on", "info"))
    by_file = defaultdict(list)
    for d in result.diagnostics:
        by_file[d.path].append(d)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    suites = ET.Element("testsuites", name="fastapi-lint")
    # Escaped (escape.py): nothing from the linted repository reaches the XML raw, so it never
    # holds a character XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF).
    for path in sorted(by_file):
        shown = escape(path)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        suite = ET.SubElement(suites, "testsuite", name=shown)
        for d in by_file[path]:
            counts["tests"] += 1
            case = ET.SubElement(
                suite, "testcase", name=f"{d.code} {d.name} ({d.start.line}:{d.start.column})",
                classname=shown.replace("/", ".").removesuffix(".py"), file=shown, line=str(d.start.line),
            )
            message = f"{d.severity.value}: {escape(d.message)}"
            text = f"{shown}:{d.start.line}:{d.start.column}: {d.code} {message}"
            if d.code == INTERNAL_ERROR_CODE:
                counts["errors"] += 1
                ET.SubElement(case, "error", type=d.code, message=message).text = text
            elif rank(d.severity) >= threshold:
                counts["failures"] += 1
                ET.SubElement(case, "failure", type=d.code, message=message).text = text
            else:  # reported, but below fail-on: the run does not fail for it
                ET.SubElement(case, "system-out").text = text
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")
