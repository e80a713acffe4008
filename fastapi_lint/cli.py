"""The command line: ``fastapi-lint [check] PATHS``, ``fastapi-lint explain CODE``,
``fastapi-lint rules``, ``fastapi-lint server`` (the language server), ``fastapi-lint
routes PATHS`` (the route tables, read statically). Thin: parse
flags, load settings, call the API, pick a reporter,
choose the exit code (0 clean, 1 findings, 2 usage/config error, 3 internal error)."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from fastapi_lint import __version__
from fastapi_lint.config import SEVERITY_LEVELS, load_settings, with_overrides
from fastapi_lint.errors import UsageError
from fastapi_lint.projects import SettingsResolver
from fastapi_lint.report import FORMATS, reporter
from fastapi_lint.report.encoding import ERRORS as OUTPUT_ERRORS, lenient, written_in_blocks
from fastapi_lint.report.escape import diff_name, escape

# The linting machinery (libcst, the rules, rich) is imported by the commands that use it:
# `--version`, `rules`, `explain` and configuration errors answer without it, and so does a
# `check` whose every result comes from the cache (api imports the engine where it lints).
CACHE_DIR_NAME = ".fastapi_lint_cache"  # cache.CACHE_DIR_NAME, spelt here for --help

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """``--select A,B --select C`` → ("A", "B", "C"); None when the flag was not given."""
    if not values:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    # Messages name paths and values from the (possibly hostile) project: escaped (escape.py).
    click.echo(f"fastapi-lint: error: {escape(message)}", err=True)
    sys.exit(code)


def _fail_on(exc: Exception) -> None:
    """A command's error as one line and an exit code, never a traceback: a usage error's
    message (exit 2), anything else as an internal error (exit 3), raised again for a
    traceback when FASTAPI_LINT_DEBUG is set."""
    if isinstance(exc, UsageError):
        _fail(str(exc))
    if os.environ.get("FASTAPI_LINT_DEBUG"):
        raise exc
    _fail(f"internal error: {type(exc).__name__}: {exc} (set FASTAPI_LINT_DEBUG=1 for a traceback)", EXIT_INTERNAL)


class _DefaultToCheck(click.Group):
    """``fastapi-lint src/`` means ``fastapi-lint check src/``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultToCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fastapi-lint")
def main() -> None:
    """A static-analysis linter for FastAPI applications."""
    lenient(sys.stdout)
    lenient(sys.stderr)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (replaces the default set).")
@click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable in addition.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read settings from this pyproject.toml (or fastapi-lint TOML file).")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--output-format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True)
@click.option("--output-file", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of standard output (the exit code still gates).")
@click.option("--statistics", is_flag=True,
              help="Print the number of findings per rule instead of the findings (JSON with --output-format json).")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary, counts or progress.")
@click.option("--silent", "-s", is_flag=True,
              help="Print nothing (an --output-file is still written); only the exit code tells. Errors still show.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors still exit 2/3).")
@click.option("--exit-non-zero-on", "fail_on", type=click.Choice(SEVERITY_LEVELS), default=None,
              help="Exit 1 only for findings of this severity or worse (config: fail-on; default: info, any finding).")
@click.option("--docs-url", help="Base URL of the rule pages linked from each finding.")
@click.option("--allow-bare-noqa", is_flag=True, help="Let a bare `# noqa` suppress every rule on its line.")
@click.option("--force-exclude", is_flag=True, help="Apply excludes to files named on the command line too.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU; 1 runs in-process).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
              help=f"Where the cache lives (default: {CACHE_DIR_NAME}/ next to the configuration).")
@click.option("--fix", is_flag=True, help="Apply safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix/--diff/--fix-only: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff instead of writing them (exit 1 if any).")
@click.option("--fix-only", is_flag=True, help="Apply fixes without reporting the remaining findings.")
@click.option("--stdin-filename", type=click.Path(path_type=Path),
              help="Lint source from standard input as if it were this file (with --fix: print the fixed source).")
@click.option("--diff-base", metavar="REV",
              help="Lint only files changed since the merge base with REV (git); facts still come from all files.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Do not report findings recorded in this baseline file.")
@click.option("--write-baseline", is_flag=True, help="Record all current findings in the --baseline file.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` comments for every current finding.")
@click.option("--show-settings", is_flag=True,
              help="Print the settings for the first path (and where each came from), the detected versions; lint nothing.")
@click.option("--show-files", is_flag=True, help="Print the files that would be linted; lint nothing.")
def check(
    paths: tuple[Path, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_file: Path | None,
    isolated: bool,
    output_format: str,
    output_file: Path | None,
    statistics: bool,
    quiet: bool,
    silent: bool,
    exit_zero: bool,
    fail_on: str | None,
    docs_url: str | None,
    allow_bare_noqa: bool,
    force_exclude: bool,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    fix_only: bool,
    stdin_filename: Path | None,
    diff_base: str | None,
    baseline_file: Path | None,
    write_baseline: bool,
    add_noqa: bool,
    show_settings: bool,
    show_files: bool,
) -> None:
    """Lint PATHS (files or directories; default: the current directory)."""
    if write_baseline and baseline_file is None:
        _fail("--write-baseline needs --baseline FILE")
    targets = list(paths) or [Path(".")]
    missing = [str(p) for p in targets if not os.path.lexists(p)] if stdin_filename is None else []
    if missing:
        _fail(f"{', '.join(missing)}: no such file or directory")
    try:
        selected, ignored = _codes(select), _codes(ignore) or ()

        def overrides(settings):
            # As in Ruff, a --select on the command line replaces the configured selection
            # entirely (config ignores included); --ignore adds to what remains.
            base_ignore = () if selected is not None else settings.ignore
            return with_overrides(
                settings,
                select=selected,
                extend_select=(settings.extend_select + _codes(extend_select)) if extend_select else None,
                ignore=base_ignore + ignored if (selected is not None or ignored) else None,
                docs_url=docs_url,
                allow_bare_noqa=allow_bare_noqa or None,
                fail_on=fail_on,
            )

        # Each file is linted with its nearest configuration (see projects.py).
        fixed = load_settings(Path.cwd(), config_file) if config_file is not None else None
        resolver = SettingsResolver(fixed=fixed, overrides=overrides, isolated=isolated)
        # The settings of the first path: for the report's options, and to fail fast.
        first = stdin_filename if stdin_filename is not None else targets[0]
        settings = resolver.for_path(first).settings
        if show_settings:
            from fastapi_lint.settings_report import describe

            # --select replaces the configured ignores too (see overrides above).
            given = {"select": select, "extend_select": extend_select, "ignore": ignore or select, "docs_url": docs_url,
                     "allow_bare_noqa": allow_bare_noqa, "fail_on": fail_on}
            report = describe(first, resolver.for_path(first), {k for k, v in given.items() if v})
            click.echo("\n".join(escape(line) for line in report.splitlines()))
            sys.exit(EXIT_CLEAN)
        if show_files:
            from fastapi_lint.api import display_path
            from fastapi_lint.discovery import discover

            for path in discover(targets, resolver, force_exclude):
                click.echo(escape(display_path(path)))
            sys.exit(EXIT_CLEAN)
        from fastapi_lint import baseline as baselines
        from fastapi_lint.api import FixMode, RunResult, lint_paths, lint_stdin
        from fastapi_lint.cache import Cache
        from fastapi_lint.report.progress import ProgressBar
        from fastapi_lint.runner import default_jobs, reporting_progress
        from fastapi_lint.severity import apply_overrides
        from fastapi_lint.vcs import changed_files

        fix_mode = FixMode(unsafe=unsafe_fixes, write=not diff) if (fix or diff or fix_only) else None
        caches: dict[Path, Cache] = {}

        def cache_for(root: Path) -> Cache | None:
            # One store per project, next to its configuration; a --cache-dir from the
            # command line is trusted, the default one is in the linted tree.
            if no_cache:
                return None
            where = cache_dir or root / CACHE_DIR_NAME
            if where not in caches:
                caches[where] = Cache(where, trusted_directory=cache_dir is not None)
            return caches[where]

        if stdin_filename is not None:
            source = sys.stdin.buffer.read()
            result = lint_stdin(source, stdin_filename, resolver, force_exclude=force_exclude, fix=fix_mode,
                                cache=cache_for)
        else:
            only = changed_files(diff_base, Path.cwd()) if diff_base else None
            bar = ProgressBar(enabled=not (quiet or silent))
            try:
                with reporting_progress(bar):
                    result = lint_paths(targets, resolver, force_exclude=force_exclude, fix=fix_mode, only=only,
                                        jobs=jobs or default_jobs(), cache=cache_for)
            finally:
                bar.close()
        # What the run built (facts, answers) lives until we exit: collections walking it
        # again cost seconds on a large project (the report allocates enough to start some).
        gc.freeze()
        for file_result in result.files:  # severities as each file's configuration says
            apply_overrides(RunResult([file_result]), resolver.for_file(file_result.path).settings)
        if baseline_file is not None and write_baseline:
            recorded = baselines.write(result, baseline_file)
            _note(quiet or silent,
                  f"Recorded {recorded} finding{'s' if recorded != 1 else ''} in {escape(str(baseline_file))}.")
            sys.exit(EXIT_CLEAN)
        if baseline_file is not None:
            baselines.apply(result, baseline_file)
    except KeyboardInterrupt:
        click.echo("fastapi-lint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        _fail_on(exc)
    if stdin_filename is not None and fix_mode is not None and not diff:
        # Editors pipe the buffer through us: the (fixed) source goes back on stdout.
        fixed = result.files[0].fixed_source if result.files else None
        sys.stdout.buffer.write(fixed if fixed is not None else source)
        sys.stdout.flush()
        if fix_only:
            sys.exit(EXIT_INTERNAL if result.has_internal_error else EXIT_CLEAN)
        if not silent:
            _report(result, sys.stderr, output_format, statistics,
                    {"unsafe_fixes": unsafe_fixes, "docs_url": settings.docs_url, "fail_on": settings.fail_on,
                     "quiet": quiet})
        sys.exit(_exit_code(result, settings, exit_zero))
    if add_noqa:
        from fastapi_lint.add_noqa import add_noqa as insert_noqa_comments  # it imports libcst (fixes.reparses)

        added, skipped = insert_noqa_comments(result)
        _note(quiet or silent, f"Added {added} noqa comment{'s' if added != 1 else ''}"
              + (f"; {skipped} finding{'s' if skipped != 1 else ''} could not take one." if skipped else "."))
        sys.exit(EXIT_INTERNAL if result.has_internal_error else EXIT_CLEAN)
    if diff:
        sys.exit(_print_diff(result, quiet, silent))
    if fix_only:
        fixed = result.fixed
        _note(quiet or silent, f"Fixed {fixed} finding{'s' if fixed != 1 else ''}.", err=True)
        sys.exit(EXIT_INTERNAL if result.has_internal_error else EXIT_CLEAN)
    options = {"unsafe_fixes": unsafe_fixes, "docs_url": settings.docs_url, "fail_on": settings.fail_on,
               "root": _report_root(settings), "quiet": quiet}
    if output_file is None:
        if not silent:
            _report(result, sys.stdout, output_format, statistics, options)
    else:
        try:
            with open(output_file, "w", encoding="utf-8", errors=OUTPUT_ERRORS, newline="") as stream:
                _report(result, stream, output_format, statistics, options)
        except OSError as exc:
            _fail(f"cannot write {output_file}: {exc.strerror or exc}")
    sys.exit(_exit_code(result, settings, exit_zero))


def _report(result, stream, output_format: str, statistics: bool, options: dict) -> None:
    """The report in ``output_format``; with ``--statistics``, the counts per rule instead."""
    with written_in_blocks(stream):
        if statistics:
            from fastapi_lint.report import statistics as per_rule

            per_rule.report(result, stream, output_format)
        else:
            reporter(output_format)(result, stream, options)


def _note(hidden: bool, message: str, err: bool = True) -> None:
    """A line about what the run did (counts, files written); not with --quiet or --silent."""
    if not hidden:
        click.echo(message, err=err)


def _report_root(settings) -> Path:
    """What CI reports (SARIF, GitLab) name paths relative to: the repository's root, else
    the project's (the configuration's directory, or the working directory without one)."""
    from fastapi_lint.vcs import repository_root

    return repository_root(Path.cwd()) or settings.root


def _exit_code(result, settings, exit_zero: bool) -> int:
    """3 when a rule crashed; 1 when a finding is at or above ``fail-on`` (unless --exit-zero); else 0."""
    from fastapi_lint.severity import failing

    if result.has_internal_error:
        return EXIT_INTERNAL
    return EXIT_FINDINGS if not exit_zero and failing(result.diagnostics, settings.fail_on) else EXIT_CLEAN


def _print_diff(result, quiet: bool = False, silent: bool = False) -> int:
    """``--diff``: the fixes as one patch on stdout, a count on stderr; exit 1 when non-empty."""
    from fastapi_lint.api import unified_diff

    changed = [f for f in result.files if f.fixed_source is not None]
    if not silent:
        for file_result in sorted(changed, key=lambda f: f.path):
            sys.stdout.buffer.write(_safe_header(unified_diff(file_result), file_result.path))
        sys.stdout.flush()
    fixed = result.fixed
    _note(quiet or silent, f"Would fix {fixed} finding{'s' if fixed != 1 else ''} in {len(changed)} "
          f"file{'s' if len(changed) != 1 else ''}.")
    if result.has_internal_error:
        return EXIT_INTERNAL
    return EXIT_FINDINGS if changed else EXIT_CLEAN


def _safe_header(patch: bytes, path: str) -> bytes:
    """The patch with a file name that holds control characters quoted as Git quotes it in
    its ``---``/``+++`` lines (a newline there would start lines of its own)."""
    raw, quoted = path.encode("utf-8", "surrogateescape"), diff_name(path)
    header = b"--- " + raw + b"\n+++ " + raw + b"\n"
    if quoted == raw or not patch.startswith(header):
        return patch
    return b"--- " + quoted + b"\n+++ " + quoted + b"\n" + patch[len(header):]


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the page that explains rule CODE (offline)."""
    from fastapi_lint.docs import PageNotFound, rule_page
    from fastapi_lint.report.console import make_console

    try:
        page = rule_page(code.upper())
    except PageNotFound as exc:
        _fail(str(exc))
    console = make_console(sys.stdout)
    if console.is_terminal:
        from rich.markdown import Markdown  # markdown-it and pygments: only to render on a terminal

        console.print(Markdown(page))
    else:
        click.echo(page, nl=not page.endswith("\n"))


@main.command()
@click.option("--no-cache", is_flag=True, help="Neither read nor write the project's store of facts.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes for indexing a project (default: one per CPU).")
def server(no_cache: bool, jobs: int | None) -> None:
    """Run the language server (LSP over standard input and output) for editors."""
    from fastapi_lint.server import missing_dependencies, serve

    missing = missing_dependencies()
    if missing:
        _fail(missing)
    from fastapi_lint.runner import default_jobs

    serve(use_cache=not no_cache, jobs=jobs or default_jobs())


@main.command("rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format: str) -> None:
    """List every rule: code, name, on by default or opt-in, severity, fix safety."""
    from fastapi_lint.data.rule_catalog import RULES  # the metadata, without importing the rules
    from fastapi_lint.report.console import make_console

    rows = [
        {
            "code": rule.code,
            "name": rule.name,
            "default": "on" if rule.default_enabled else "opt-in",
            "severity": rule.severity,
            "fix": rule.fix or "-",
            "summary": rule.summary,
        }
        for rule in RULES.values()
    ]
    if output_format == "json":
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    console = make_console(sys.stdout)
    if not console.is_terminal:  # one line per rule, for grep and scripts
        width = max(len(row["name"]) for row in rows)
        for row in rows:
            click.echo(f"{row['code']}  {row['name']:<{width}}  {row['default']:<6}  {row['severity']:<7}  "
                       f"{row['fix']:<6}  {row['summary']}")
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("code", "name", "default", "severity", "fix", "summary"):
        table.add_column(column.capitalize(), no_wrap=column != "summary")
    for row in rows:
        table.add_row(*row.values())
    console.print(table)


@main.command("routes")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--app", "app_spec", metavar="MODULE:ATTR",
              help="Only this app (the module's name and the app's, or the factory function that builds it).")
@click.option("--output-format", type=click.Choice(["text", "json", "csv", "markdown", "mermaid"]), default="text",
              show_default=True, help="text is a table on terminals; mermaid draws app → routers → routes.")
@click.option("--match", "match_url", metavar="'[METHOD] URL'",
              help="Which route serves this request (Starlette's matching order), e.g. 'GET /users/me' or 'WS /chat'.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Read settings from this pyproject.toml (or fastapi-lint TOML file).")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
def routes_command(paths: tuple[Path, ...], app_spec: str | None, output_format: str, match_url: str | None,
                   config_file: Path | None, isolated: bool) -> None:
    """Print the route table of every FastAPI app under PATHS, read statically (nothing is imported).

    One row per route in the order Starlette tries them: methods, full path, name, handler,
    file:line, tags, dependencies, response model, status code, deprecation. A path part
    that is not known statically is shown as {?spelling}. Exit 1 when --match finds no route."""
    targets = list(paths) or [Path(".")]
    missing = [str(p) for p in targets if not os.path.lexists(p)]
    if missing:
        _fail(f"{', '.join(missing)}: no such file or directory")
    try:
        from fastapi_lint.analysis.route_table import match
        from fastapi_lint.report.console import make_console
        from fastapi_lint.report.routes_table import report, report_match
        from fastapi_lint.routes import route_tables

        fixed = load_settings(Path.cwd(), config_file) if config_file is not None else None
        tables = route_tables(targets, SettingsResolver(fixed=fixed, isolated=isolated))
        if app_spec:
            tables = [t for t in tables if _is_app(t, app_spec)]
            if not tables:
                _fail(f"no FastAPI app {app_spec} found under {', '.join(str(p) for p in targets)}")
        if match_url is not None:
            method, _, url = match_url.strip().rpartition(" ")
            method = (method.strip() or "GET").upper()
            if not url.startswith("/"):
                _fail(f"--match wants '[METHOD] /path', not {match_url!r}")
            url = url.split("?", 1)[0]
            served = False
            for table in tables:
                found = match(table, "GET" if method in ("WS", "WEBSOCKET") else method, url,
                              websocket=method in ("WS", "WEBSOCKET"))
                report_match(table, method, url, found, sys.stdout)
                served = served or (found.row is not None and not found.partial)
            sys.exit(EXIT_CLEAN if served else EXIT_FINDINGS)
        report(tables, sys.stdout, output_format, make_console(sys.stdout) if output_format == "text" else None)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        _fail_on(exc)


def _is_app(table, spec: str) -> bool:
    """``module:attr`` names the app (``attr`` its name, or the function that builds it)."""
    module, _, attr = spec.partition(":")
    own_module, scope, name = table.origin
    return own_module == module and (not attr or attr in (name, scope, f"{scope}.{name}"))
