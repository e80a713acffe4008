"""``--output-format junit``: JUnit XML, one test case per linted file and a failure per
finding, for CI systems that chart test reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from fastapi_lint.report.escape import escape

if TYPE_CHECKING:
    from fastapi_lint.api import RunResult


def report(result: RunResult, stream: TextIO, options: dict) -> None:
    by_file = defaultdict(list)
    for file_result in result.files:
        by_file[file_result.path]  # clean files are passing test cases
    for d in result.diagnostics:
        by_file[d.path].append(d)
    failures = sum(len(v) for v in by_file.values())
    suites = ET.Element("testsuites", name="fastapi-lint", tests=str(len(by_file)), failures=str(failures))
    suite = ET.SubElement(
        suites, "testsuite", name="fastapi-lint", tests=str(len(by_file)), failures=str(failures), errors="0"
    )
    # Escaped (escape.py): nothing from the linted repository reaches the XML raw, so it never
    # holds a character XML 1.0 forbids (C0 controls, lone surrogates, U+FFFE/U+FFFF).
    for path in sorted(by_file):
        shown = escape(path)
        case = ET.SubElement(suite, "testcase", name=shown, classname=shown.replace("/", ".").removesuffix(".py"))
        for d in by_file[path]:
            message = f"{d.code} {escape(d.message)}"
            failure = ET.SubElement(case, "failure", type=d.code, message=message)
            failure.text = f"{shown}:{d.start.line}:{d.start.column}: {message}"
    ET.indent(suites)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(suites, encoding="unicode"))
    stream.write("\n")
