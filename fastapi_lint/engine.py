"""Lint one file: decode → parse once → FastAPI model → all rules in one traversal →
positions (only when something was reported) → suppressions → diagnostics.

Nothing here prints or reads configuration; bad input becomes an ``FAPI000``
diagnostic and a crashing rule an ``FAPI900`` one, so one file never stops a run.

Every file gets a time budget (``FILE_TIME_BUDGET``): the linted code is hostile input,
and a rule that finds a way to take minutes on it must not hold up the whole run. A file
that runs out of time gets one ``FAPI000`` naming the rule (or the step) that was running,
and nothing else: no finding and no fix of it is reported.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field, replace
from typing import Callable, ParamSpec

import libcst as cst

from fastapi_lint import fixes, globs, noqa, unused_noqa
from fastapi_lint.memory import collector_paused
from fastapi_lint.docs import rule_url
from fastapi_lint.diagnostics import (
    INTERNAL_ERROR_CODE,
    PARSE_ERROR_CODE,
    Diagnostic,
    FileResult,
    Location,
    Severity,
)
from fastapi_lint.analysis.cst_parser import nesting_fits, on_deep_stack, parse_module
from fastapi_lint.analysis.facts import ModuleFacts, class_bodies, nested_too_deeply, statement_starts
from fastapi_lint.analysis.sliced_parse import SLICED_PARSE_FROM, parse_in_slices
from fastapi_lint.analysis.file_view import FileView
from fastapi_lint.fixes import Fix
from fastapi_lint.positions import Positions
from fastapi_lint.source import MAX_SOURCE_BYTES, BadSource, decode_source
from fastapi_lint.analysis.model import ModuleModel
from fastapi_lint.project import Project
from fastapi_lint.versions import ProjectVersions
from fastapi_lint.rule import FileContext, Report, Rule
from fastapi_lint.traversal import fields_of, fields_to_walk, is_node_type, node_types_named, plain_fields, prunable

IGNORE_FILE_MARKER = "# fastapi-lint: ignore-file"
MAX_FIX_PASSES = 10  # fixes that keep proposing new edits stop here
# Python rejects these literals in every version; libcst accepts them (it does not decode
# escapes), so they are not "newer syntax than ours" and are reported.
_ESCAPE_ERRORS = ("(unicode error)", "(value error)")


_TOO_DEEP = "source is nested too deeply to analyse"

# CPU seconds the lint of one file may take (its fixes and their re-lints included), for
# every BUDGET_LINES lines of it: a 22,000-line module legitimately takes minutes, while what
# the budget is for (a pathological input) never ends at all. CPU time, not wall-clock time,
# so a machine busy with other work never cuts a file short. Enforced with SIGPROF
# (ITIMER_PROF), so only where that exists and on a process's main thread (the CLI's, and
# each worker's); 0 turns it off. Tests lower it by setting this attribute.
FILE_TIME_BUDGET = 30.0
BUDGET_LINES = 2000


@dataclass(frozen=True)
class LintOptions:
    """Per-run settings the engine needs (resolved from config by the caller)."""

    docs_url: str
    allow_bare_noqa: bool = False
    target_version: str = "py310"  # of the linted code, e.g. "py39"
    versions: ProjectVersions = ProjectVersions()  # the project's dependencies (versions.py)
    extend_blocking_calls: frozenset[str] = frozenset()  # `extend-blocking-calls`: FAPI101 reads them
    test_paths: tuple[str, ...] = ()  # `test-paths` globs, matched against a file's path below ``root``
    root: str = ""  # the configuration's directory

    def is_test_file(self, path: str) -> bool:
        """Whether ``path`` is a test file: a glob without ``/`` matches its name, one with ``/``
        its path relative to ``root``."""
        if not self.test_paths:
            return False
        absolute, base = os.path.abspath(path), os.path.abspath(self.root or ".")
        inside = absolute.startswith(base.rstrip(os.sep) + os.sep)
        relative = (os.path.relpath(absolute, base) if inside else absolute).replace(os.sep, "/")
        name = relative.rsplit("/", 1)[-1]
        return any(globs.matches(glob, relative if "/" in glob else name) for glob in self.test_paths)

    @property
    def python(self) -> tuple[int, int]:
        return (3, int(self.target_version.removeprefix("py3")))


def parse(source: bytes, facts: ModuleFacts | None = None) -> cst.Module:
    """The file's tree; with its facts, parsed a slice at a time where they allow it
    (``sliced_parse``: the same tree, for a fraction of the memory and less time)."""
    if facts is not None and len(source) >= SLICED_PARSE_FROM and facts.syntax_error is None:
        try:
            starts, bodies = statement_starts(facts.statement_lines), class_bodies(facts)
        except ValueError:  # not what the facts pass writes: parsed whole
            starts = bodies = None
        module = None if starts is None else on_deep_stack(parse_in_slices, source, starts, bodies)
        if module is not None:
            return module
    try:
        return parse_module(source)
    except cst.ParserSyntaxError as exc:
        message = re.sub(r"^parser error: (error at \d+:\d+: )?", "", str(exc.message))
        raise BadSource(f"syntax error: {message}", exc.raw_line, exc.raw_column + 1) from None
    except RecursionError:
        raise BadSource("source is nested too deeply to parse") from None
    except (SyntaxError, ValueError, MemoryError) as exc:
        raise BadSource(f"cannot parse: {exc}") from None


class _Dispatcher:
    """Runs every rule's visit_/leave_ methods in one traversal; a rule that raises is
    reported once as FAPI900 and switched off for the rest of the file."""

    def __init__(self, ctx: FileContext, rules: list[Rule]):
        self.ctx = ctx
        self.failures: list[tuple[Rule, cst.CSTNode, BaseException]] = []
        self.visits: dict[str, list] = {}
        self.leaves: dict[str, list] = {}
        for rule in rules:
            for attribute in dir(type(rule)):
                if attribute.startswith("visit_"):
                    self.visits.setdefault(attribute[6:], []).append((rule, getattr(rule, attribute)))
                elif attribute.startswith("leave_"):
                    self.leaves.setdefault(attribute[6:], []).append((rule, getattr(rule, attribute)))

    def _call(self, methods: list, node: cst.CSTNode) -> None:
        for rule, method in tuple(methods):  # a snapshot: a failing rule is removed below
            try:
                method(node)
            except RecursionError:
                raise
            except Exception as exc:  # noqa: BLE001 - isolation is the point
                # Only its message is reported; its traceback would hold the walk's frames
                # (and through them the tree) in a cycle.
                self.failures.append((rule, node, exc.with_traceback(None)))
                for table in (*self.visits.values(), *self.leaves.values()):
                    table[:] = [(r, m) for r, m in table if r is not rule]

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.ctx.enter(node)
        methods = self.visits.get(type(node).__name__)
        if methods:
            self._call(methods, node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        methods = self.leaves.get(type(original_node).__name__)
        if methods:
            self._call(methods, original_node)
        self.ctx.leave(original_node)

    def walk(self, root: cst.CSTNode) -> None:
        """``traverse(root, self.on_visit, self.on_leave)``, fused into one function per node:
        the node type's rule methods looked up once per type, and the context told only of
        the nodes it follows (``FileContext.FOLLOWED_TYPES`` and the bodies it waits for),
        subtrees where nothing would be called left out. Every call is the same, in the same
        order (``tests/test_walk.py``)."""
        ctx = self.ctx
        enter, leave = ctx.enter, ctx.leave
        followed_types, bodies = ctx.FOLLOWED_TYPES, ctx.waiting_bodies
        visits, leaves, call = self.visits, self.leaves, self._call
        plans: dict[type, tuple] = {}
        fields_known: dict[type, tuple[str, ...] | None] = {}
        # Subtrees where no rule method runs and the context follows nothing (whitespace,
        # commas, brackets...: two thirds of the nodes) are not walked. A lambda whose body
        # is such a subtree (``lambda: 0``) is left without its body entered: nothing in it
        # could have asked the context anything.
        skipped = prunable(node_types_named(frozenset((*visits, *leaves))) | followed_types)

        def visit(node: cst.CSTNode) -> None:
            kind = type(node)
            plan = plans.get(kind)
            if plan is None:
                plan = plans[kind] = (visits.get(kind.__name__), leaves.get(kind.__name__))
            followed = kind in followed_types or id(node) in bodies
            if followed:
                enter(node)
            if plan[0]:
                call(plan[0], node)
            fields = fields_known.get(kind)
            if fields is None:
                fields = plain_fields(kind)
                if fields is None:
                    fields = fields_to_walk(kind, fields_of(node), skipped)
                else:
                    fields = fields_known[kind] = fields_to_walk(kind, fields, skipped)
            for name in fields:
                value = getattr(node, name)
                value_kind = type(value)
                if value_kind is tuple or value_kind is list:
                    for item in value:
                        item_kind = type(item)
                        if is_node_type(item_kind) and item_kind not in skipped:
                            visit(item)
                elif is_node_type(value_kind) and value_kind not in skipped:
                    visit(value)
            if plan[1]:
                call(plan[1], node)
            if followed:
                leave(node)

        try:
            visit(root)
        finally:
            visit = None  # the recursive closure refers to itself: a cycle holding all of the above


class OutOfTime(BaseException):
    """Raised by SIGPROF inside the lint of a file whose budget ran out. A BaseException,
    so the ``except Exception`` of a rule or of the dispatcher does not swallow it."""

    def __init__(self, where: str):
        super().__init__(where)
        self.where = where


_budget_armed = False
_step = ""  # what the engine is doing when no rule method is running, for the message


def _at(step: str) -> None:
    global _step
    _step = step


def _in_rule(rule: type[Rule]) -> str:
    return f"in rule {rule.code} ({rule.name})"


def _on_alarm(signum, frame) -> None:
    global _budget_armed
    if _budget_armed:
        _budget_armed = False
        raise OutOfTime(_running(frame))


def _running(frame) -> str:
    """Where the budget ran out: the rule whose method is on the stack, else the step."""
    dispatch = _Dispatcher._call.__code__
    while frame is not None:
        if frame.f_code is dispatch and isinstance(frame.f_locals.get("rule"), Rule):
            return _in_rule(type(frame.f_locals["rule"]))
        frame = frame.f_back
    return _step


@contextlib.contextmanager
def _time_budget(seconds: float):
    """Raise :class:`OutOfTime` in this thread after ``seconds`` of the process's CPU time;
    never leaves the timer armed."""
    global _budget_armed
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    previous = signal.getsignal(signal.SIGPROF) if usable else None
    if not usable or previous not in (signal.SIG_DFL, signal.SIG_IGN, None):
        yield  # no timer here, or somebody else's (a sampling profiler...): left alone
        return
    signal.signal(signal.SIGPROF, _on_alarm)
    _budget_armed = True
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        _budget_armed = False  # first: an alarm arriving from here on does nothing
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _out_of_time(path: str, exc: OutOfTime, seconds: float, fixing: bool) -> FileResult:
    where = f" {exc.where}" if exc.where else ""
    unfixed = "; nothing in it was fixed" if fixing else ""
    return FileResult(path, [engine_diagnostic(
        path, PARSE_ERROR_CODE,
        f"linting stopped after {seconds:g} s{where}; the rest of this file was not checked{unfixed}",
    )])


def _forget_unfinished(project: Project, mark: int) -> None:
    """Drop what the project memoised while this file ran: a computation the budget cut
    short left its placeholder behind, which later files would take for the answer."""
    memo = getattr(project, "_memo", None)
    if isinstance(memo, dict) and len(memo) > mark:
        for key in list(itertools.islice(memo, mark, None)):
            memo.pop(key, None)


def _budgeted(path: str, project: Project, fixing: bool, work: Callable[[], FileResult], source: bytes) -> FileResult:
    """``work()`` under the file's time budget; when it runs out, or raises (a bug outside
    any rule still stops only this file), the one diagnostic the file gets instead of its
    results."""
    seconds = FILE_TIME_BUDGET * max(1.0, source.count(b"\n") / BUDGET_LINES)
    mark = len(getattr(project, "_memo", ()))
    _at("")
    try:
        with _time_budget(seconds):
            return work()
    except OutOfTime as exc:
        _forget_unfinished(project, mark)
        return _out_of_time(path, exc, seconds, fixing)
    except Exception as exc:  # noqa: BLE001 - a bug outside any rule still stops only this file
        return _crashed(path, exc)


def engine_diagnostic(path: str, code: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    name = "parse-error" if code == PARSE_ERROR_CODE else "internal-error"
    line, column = max(line or 1, 1), max(column or 1, 1)  # Python reports -1/None for some errors
    return Diagnostic(
        path=path,
        start=Location(line, column),
        end=Location(line, column),
        code=code,
        name=name,
        message=message,
        severity=Severity.ERROR,
    )


def _internal_error(path: str, rule: type[Rule], exc: BaseException) -> Diagnostic:
    return _internal_error_of(path, rule.code, rule.name, exc)


def _internal_error_of(path: str, code: str, name: str, exc: BaseException) -> Diagnostic:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return engine_diagnostic(
        path, INTERNAL_ERROR_CODE, f"internal error in rule {code} ({name}): {detail}; please report this"
    )


_P = ParamSpec("_P")


@dataclass
class _Pass:
    """One lint of one version of a file: its findings and the fixes they propose."""

    result: FileResult
    module: cst.Module | None = None
    positions: dict | None = None
    fixes: list[tuple[int, Fix]] = field(default_factory=list)  # (index in diagnostics, fix)


def lint_source_with_fixes(
    path: str,
    source: bytes,
    facts: ModuleFacts,
    project: Project,
    rule_classes: list[type[Rule]],
    options: LintOptions,
) -> tuple[FileResult, cst.Module | None, list[tuple[int, Fix]]]:
    """As :func:`lint_source`, also returning the parsed module and the fix each finding
    proposes (the index of its diagnostic, the fix), for a caller that applies them one at
    a time with :func:`fixes.apply` (the language server's code actions)."""
    done: list[_Pass] = []

    def work() -> FileResult:
        done.append(_lint(path, source, facts, project, rule_classes, options))
        return done[0].result

    with collector_paused():
        result = _budgeted(path, project, False, work, source)
    if done and done[0].result is result:
        return result, done[0].module, list(done[0].fixes)
    return result, None, []


def _findings_only(
    with_fixes: Callable[_P, tuple[FileResult, cst.Module | None, list[tuple[int, Fix]]]],
) -> Callable[_P, FileResult]:
    def findings_only(*args: _P.args, **kwargs: _P.kwargs) -> FileResult:
        with collector_paused():  # the tree goes before the collector is back on
            return with_fixes(*args, **kwargs)[0]

    return findings_only


lint_source = _findings_only(lint_source_with_fixes)
lint_source.__name__ = lint_source.__qualname__ = "lint_source"
lint_source.__doc__ = """Lint one file's bytes (``path, source, facts, project, rule_classes, options``, as
:func:`lint_source_with_fixes` takes them, one signature for both). ``rule_classes`` are
the rules enabled for this path. The file's tree is gone before the garbage collector is
back on (``memory.collector_paused``; ``_release`` cuts the cycles that would keep it)."""


def _crashed(path: str, exc: BaseException) -> FileResult:
    if isinstance(exc, RecursionError):  # deep nesting, not a bug: found after the traversal
        return FileResult(path, [engine_diagnostic(path, PARSE_ERROR_CODE, _TOO_DEEP)])
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return FileResult(path, [engine_diagnostic(
        path, INTERNAL_ERROR_CODE, f"internal error while linting this file: {detail}; please report this"
    )])


def fix_source(
    path: str,
    source: bytes,
    facts: ModuleFacts,
    project: Project,
    rule_classes: list[type[Rule]],
    options: LintOptions,
    refresh_facts: Callable[[bytes], ModuleFacts],
    unsafe: bool = False,
) -> FileResult:
    """Lint and fix one file: apply every allowed fix, in passes, until nothing changes.

    The result describes the fixed source (``fixed_source``, None when unchanged): its
    remaining findings and how many were fixed. A pass whose combined edits would not
    parse falls back to the fixes that do; the others are reported as skipped.
    """
    with collector_paused():
        return _budgeted(path, project, True,
                         lambda: _fix(path, source, facts, project, rule_classes, options, refresh_facts, unsafe),
                         source)


def _fix(path, source, facts, project, rule_classes, options, refresh_facts, unsafe) -> FileResult:
    current, fixed = source, 0
    for round_number in range(MAX_FIX_PASSES + 1):
        lint = _lint(path, current, facts, project, rule_classes, options)
        if round_number == MAX_FIX_PASSES or lint.module is None:
            break
        _at("while applying fixes")
        chosen = _non_overlapping(lint, unsafe)
        if not chosen:
            break
        applied, broken, crashed = _apply_parseable(lint.module, [fix for _, fix in chosen])
        for index, fix in chosen:
            if fix in broken:
                _mark_skipped(lint.result, index)
            for crashed_fix, exc in crashed:
                if crashed_fix is fix:
                    finding = lint.result.diagnostics[index]
                    _mark_skipped(lint.result, index, "applying it raised an error")
                    lint.result.diagnostics.append(_internal_error_of(path, finding.code, finding.name, exc))
        if not applied:
            break
        new_source = _keep_final_cr(current, fixes.apply(lint.module, applied).bytes)
        if new_source == current:
            break
        current, fixed = new_source, fixed + len(applied)
        facts = refresh_facts(current)
        project = project.with_module(facts)
    result = lint.result
    result.fixed = fixed
    result.fixed_source = current if current != source else None
    return result


def _keep_final_cr(before: bytes, after: bytes) -> bytes:
    """libcst drops the last line end of a file whose lines end with a lone CR; put it back."""
    if before.endswith(b"\r") and not after.endswith((b"\r", b"\n")):
        return after + b"\r"
    return after


def _non_overlapping(lint: _Pass, unsafe: bool) -> list[tuple[int, Fix]]:
    """Allowed fixes whose edits touch disjoint source ranges; the rest wait for the next pass."""
    taken: list[tuple[tuple[int, int], tuple[int, int]]] = []
    chosen = []
    for index, fix in lint.fixes:
        if not fix.allowed(unsafe):
            continue
        spans = []
        for edit in fix.edits:
            span = lint.positions[edit.node]
            spans.append(((span.start.line, span.start.column), (span.end.line, span.end.column)))
        if any(start < other_end and other_start < end or start == other_start
               for start, end in spans for other_start, other_end in taken):
            continue
        taken.extend(spans)
        chosen.append((index, fix))
    return chosen


def _applied(module: cst.Module, candidates: list[Fix]) -> bytes | Exception:
    """The fixed source, or the exception a broken fix raised while being applied."""
    try:
        return fixes.apply(module, candidates).bytes
    except Exception as exc:  # noqa: BLE001 - a rule's fix must not stop the file
        return exc


def _apply_parseable(
    module: cst.Module, candidates: list[Fix]
) -> tuple[list[Fix], list[Fix], list[tuple[Fix, Exception]]]:
    """The fixes to apply together, those that would leave the file unparseable, and
    those that raised when applied."""
    whole = _applied(module, candidates)
    if isinstance(whole, bytes) and fixes.reparses(whole):
        return candidates, [], []
    applied, broken, crashed = [], [], []
    for fix in candidates:  # find the culprits one at a time
        trial = _applied(module, applied + [fix])
        if isinstance(trial, Exception):
            crashed.append((fix, trial))
        else:
            (applied if fixes.reparses(trial) else broken).append(fix)
    return applied, broken, crashed


def _mark_skipped(result: FileResult, index: int, reason: str = "the fixed code would not parse") -> None:
    finding = result.diagnostics[index]
    result.diagnostics[index] = replace(finding, message=f"{finding.message} (autofix skipped: {reason})", fix=None)


def _lint(
    path: str,
    source: bytes,
    facts: ModuleFacts,
    project: Project,
    rule_classes: list[type[Rule]],
    options: LintOptions,
) -> _Pass:
    result = FileResult(path)
    lint = _Pass(result)
    if len(source) > MAX_SOURCE_BYTES:
        result.diagnostics.append(engine_diagnostic(
            path, PARSE_ERROR_CODE,
            f"file is too large to lint ({len(source) / 1e6:.1f} MB; the limit is {MAX_SOURCE_BYTES / 1e6:g} MB)",
        ))
        return lint
    try:
        text = decode_source(source)
    except BadSource as exc:
        result.diagnostics.append(engine_diagnostic(path, PARSE_ERROR_CODE, str(exc), exc.line, exc.column))
        return lint
    if IGNORE_FILE_MARKER in text and noqa.has_ignore_file(text):
        return lint

    _at("while reading the file's facts")
    model = ModuleModel(facts, project)
    view = FileView(model, text, options.extend_blocking_calls)  # what the facts tell, before any libcst parse
    wanted = []
    for cls in rule_classes:
        _at(_in_rule(cls))
        try:
            if cls.could_report(view):
                wanted.append(cls)
        except RecursionError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the file
            result.diagnostics.append(_internal_error(path, cls, exc))
    # A file Python cannot parse is always parsed here, so its error is reported even
    # when no rule would have looked at it (libcst may accept newer syntax than ours).
    if not wanted and facts.syntax_error is None:
        return lint
    if facts.syntax_error is not None:  # what libcst must not see (cst_parser)
        message, line, column = facts.syntax_error
        if nested_too_deeply(message):
            result.diagnostics.append(engine_diagnostic(
                path, PARSE_ERROR_CODE, f"source is nested too deeply to parse ({message})", line, column))
            return lint
        if not nesting_fits(source):
            result.diagnostics.append(engine_diagnostic(path, PARSE_ERROR_CODE, f"syntax error: {message}", line, column))
            return lint
    _at("while parsing")
    try:
        module = parse(source, facts)
    except BadSource as exc:
        reported = exc
        if facts.syntax_error is not None:  # Python's own message and position are better
            message, line, column = facts.syntax_error
            reported = BadSource(f"syntax error: {message}", line, column)
        result.diagnostics.append(
            engine_diagnostic(path, PARSE_ERROR_CODE, str(reported), reported.line, reported.column))
        return lint
    if facts.syntax_error is not None and facts.syntax_error[0].startswith(_ESCAPE_ERRORS):
        message, line, column = facts.syntax_error
        result.diagnostics.append(engine_diagnostic(path, PARSE_ERROR_CODE, f"syntax error: {message}", line, column))
        return lint
    if facts.syntax_error is not None:  # libcst reads it, this Python cannot: never lint it blind
        message, line, column = facts.syntax_error
        running = ".".join(map(str, sys.version_info[:2]))
        result.diagnostics.append(engine_diagnostic(
            path, PARSE_ERROR_CODE, f"syntax newer than Python {running} (running fastapi-lint) can read ({message}); "
            "run fastapi-lint with a newer Python to lint this file", line, column))
        return lint

    ctx = FileContext(path, model, module, options.python, options.versions,
                      extend_blocking_calls=options.extend_blocking_calls, in_test_file=options.is_test_file(path))
    rules: list[Rule] = []
    try:
        _run_rules(lint, ctx, rules, wanted, text, options, rule_classes)
    finally:
        _release(ctx, rules)
    return lint


def _release(ctx: FileContext, rules: list[Rule]) -> None:
    """Cut the reference cycles between the context, the rules and their reports (and the
    closures rules keep): through them the whole tree would outlive the lint until a
    garbage collection found it, and those collections were a tenth of a cold run."""
    for rule in rules:
        rule.__dict__.clear()
    ctx.__dict__.clear()


def _run_rules(
    lint: _Pass, ctx: FileContext, rules: list[Rule], wanted: list[type[Rule]], text: str,
    options: LintOptions, rule_classes: list[type[Rule]],
) -> None:
    result, path, module = lint.result, lint.result.path, ctx.module
    for cls in wanted:
        _at(_in_rule(cls))
        try:
            rules.append(cls(ctx))
        except Exception as exc:  # noqa: BLE001
            result.diagnostics.append(_internal_error(path, cls, exc))
    dispatcher = _Dispatcher(ctx, rules)
    _at("while walking the syntax tree")
    try:
        dispatcher.walk(module)
    except RecursionError:
        result.diagnostics.append(
            engine_diagnostic(path, PARSE_ERROR_CODE, _TOO_DEEP)
        )
        return

    for rule, _node, exc in dispatcher.failures:
        result.diagnostics.append(_internal_error(path, type(rule), exc))
    lint.module = module
    _at("while placing the findings")
    if ctx.reports or unused_noqa.wanted(rule_classes, text):
        _add_findings(lint, ctx.reports, text, options, rule_classes, ctx.model.facts.statement_lines)


def _foreign_node(report: Report, positions) -> str | None:
    """Why a report cannot be placed in this file (a node or a fix edit not from its tree)."""
    if report.node not in positions:
        return "it reported a node that is not part of the file"
    if report.fix is not None and any(edit.node not in positions for edit in report.fix.edits):
        return "its fix edits a node that is not part of the file"
    return None


def _first_line(statement: cst.CSTNode | None, positions) -> int | None:
    """Where a statement starts for ``# noqa`` purposes: a decorated def starts at its
    first decorator (libcst's own range starts at ``def``)."""
    if statement is None:
        return None
    decorators = getattr(statement, "decorators", ())
    node = decorators[0] if decorators else statement
    return positions[node].start.line if node in positions else None


def _add_findings(
    lint: _Pass, reports: list[Report], text: str, options: LintOptions, rule_classes: list[type[Rule]],
    statement_lines: str,
) -> None:
    result = lint.result
    # PositionProvider's ranges, for a fraction of its cost: only the code around each finding
    # is generated (its def, or its top-level statement; the whole module when a node lies
    # elsewhere).
    positions = lint.positions = Positions.of_statements(
        lint.module, text, statement_lines, ((report.top, report.inner) for report in reports))
    suppressions = noqa.Suppressions(text, options.allow_bare_noqa, statement_lines)
    for report in reports:
        foreign = _foreign_node(report, positions)
        if foreign:
            result.diagnostics.append(_internal_error(result.path, type(report.rule), ValueError(foreign)))
            continue
        span = positions[report.node]
        statement_line = _first_line(report.statement, positions)
        code = report.rule.code
        if suppressions.suppresses(code, span.start.line, statement_line):
            result.suppressed += 1
            continue
        fix = report.fix if report.fix is None or options.versions.meets(report.rule.fix_requires, every=True) else None
        if fix is not None:
            lint.fixes.append((len(result.diagnostics), fix))
        result.diagnostics.append(
            Diagnostic(
                path=result.path,
                start=Location(span.start.line, span.start.column + 1),
                end=Location(span.end.line, span.end.column + 1),
                code=code,
                name=report.rule.name,
                message=report.message,
                severity=report.rule.severity,
                url=rule_url(options.docs_url, code),
                fastapi_docs=report.rule.fastapi_docs,
                fix=fix.applicability if fix else None,
            )
        )
    unused_noqa.report(lint, suppressions, rule_classes, rule_url(options.docs_url, unused_noqa.CODE))
