"""FAPI407: where a formatted value sits in the SQL decides the advice (bound parameters for
values, an allow-list or identifier quoting for names), and the SQL-start pattern is linear."""

import time
from pathlib import Path

import pytest
from conftest import FIXTURES

from fastapi_lint.api import lint_paths
from fastapi_lint.rules.sql_string_formatting import _SQL_START, identifier_position, looks_like_sql
from fastapi_lint.config import Settings


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("SELECT * FROM ", "", True),
        ("ALTER TABLE ", " DROP CONSTRAINT x", True),
        ("DROP CONSTRAINT IF EXISTS ", "", True),
        ('CREATE SCHEMA IF NOT EXISTS "', '"', True),
        ("SELECT * FROM users ORDER BY ", "", True),
        ("SELECT * FROM public.", "", True),
        ("SELECT * FROM users WHERE ", " = :value", True),
        ("UPDATE t SET ", " = $1", True),
        ("SELECT * FROM users WHERE name = '", "'", False),
        ('SELECT * FROM users WHERE name = "', '"', False),  # SQLite/MySQL: a string, not a name
        ('SELECT * FROM users WHERE name LIKE "', '%"', False),
        ('SELECT "', '" FROM users', True),
        ("SELECT * FROM users WHERE TABLE_NAME = '", "'", False),
        ("SELECT * FROM users WHERE id = ", "", False),
        ("SELECT * FROM users WHERE ", "", False),  # a whole condition: a fragment, not a name
        ("SELECT * FROM users LIMIT ", "", False),
        (None, "", False),
    ],
)
def test_identifier_position(before, after, expected) -> None:
    assert identifier_position(before, after) is expected


def test_sql_start_is_linear() -> None:
    assert looks_like_sql("  ( SELECT 1")
    assert looks_like_sql("\n    with x as (select 1) select * from x")
    assert not looks_like_sql("Cleanup for bob")
    hostile = " " * 50_000 + "(" + " " * 50_000 + "x"
    started = time.perf_counter()
    assert _SQL_START.match(hostile) is None
    assert time.perf_counter() - started < 0.5


def test_identifier_findings_suggest_an_allow_list() -> None:
    root = FIXTURES / "FAPI407"
    result = lint_paths([root], Settings(root=root, select=("FAPI407",)))
    messages = {
        (Path(d.path).name, d.start.line): d.message for d in result.diagnostics
    }
    table = next(m for (name, line), m in messages.items() if name == "archive.py" and "`table`" in m)
    assert "allow-list" in table and "psycopg.sql.Identifier" in table and "bound parameters cannot" in table
    values = [m for (name, _), m in messages.items() if name == "users.py"]
    assert values and all("pass the values as bound parameters" in m for m in values)


def test_mixed_values_and_names_get_both_pieces_of_advice(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text(
        "def drop_fk(conn, table: str, constraint: str):\n"
        "    conn.execute(\n"
        "        f\"SELECT 1 FROM information_schema.table_constraints WHERE table_name = '{table}'; \"\n"
        "        f\"ALTER TABLE {table} DROP CONSTRAINT {constraint}\"\n"
        "    )\n",
        encoding="utf-8",
    )
    result = lint_paths([tmp_path], Settings(root=tmp_path, select=("FAPI407",)))
    [finding] = result.diagnostics
    assert "bound parameters" in finding.message and "allow-list" in finding.message
