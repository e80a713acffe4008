"""Calls that block the event loop when made inside ``async def`` — the one table
FAPI101 reads. Keys are qualified names; the value is what to use instead."""

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# Module-level functions (and constructors that do I/O when called).
BLOCKING_FUNCTIONS: dict[str, str] = {
    "time.sleep": "`await asyncio.sleep(...)`",
    **{f"requests.{verb}": "`httpx.AsyncClient` (or run it in a threadpool)" for verb in _HTTP_VERBS},
    **{f"httpx.{verb}": "`httpx.AsyncClient`" for verb in (*_HTTP_VERBS, "stream")},
    "urllib.request.urlopen": "`httpx.AsyncClient`",
    **{
        f"subprocess.{name}": "`asyncio.create_subprocess_exec(...)` or `run_in_threadpool`"
        for name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput")
    },
    "os.system": "`asyncio.create_subprocess_shell(...)`",
    "os.popen": "`asyncio.create_subprocess_shell(...)`",
    "builtins.open": "`anyio.open_file` / `aiofiles.open`, or `run_in_threadpool`",
    **{
        f"shutil.{name}": "`await run_in_threadpool(shutil.{name}, ...)`".format(name=name)
        for name in ("copy", "copy2", "copyfile", "copytree", "move", "rmtree")
    },
    "sqlite3.connect": "an async driver (`aiosqlite`) or a plain `def` endpoint",
    "psycopg2.connect": "an async driver (`asyncpg`, psycopg 3 async) or a plain `def` endpoint",
    "pymysql.connect": "an async driver (`aiomysql`) or a plain `def` endpoint",
    "smtplib.SMTP": "an async SMTP client (`aiosmtplib`) or a background task",
    "smtplib.SMTP_SSL": "an async SMTP client (`aiosmtplib`) or a background task",
}

ALL_METHODS = None  # marker: every method of the type blocks, except the listed harmless ones

# type qualname -> (blocking methods, or ALL_METHODS; methods that never do I/O; advice)
BLOCKING_METHODS: dict[str, tuple[frozenset[str] | None, frozenset[str], str]] = {
    "requests.Session": (frozenset(_HTTP_VERBS), frozenset(), "`httpx.AsyncClient`"),
    "httpx.Client": (frozenset((*_HTTP_VERBS, "send", "stream")), frozenset(), "`httpx.AsyncClient`"),
    "pathlib.Path": (
        frozenset({"read_text", "read_bytes", "write_text", "write_bytes", "open"}),
        frozenset(),
        "`anyio.Path` or `run_in_threadpool`",
    ),
    "redis.Redis": (
        ALL_METHODS,
        frozenset({"pipeline", "pubsub", "lock", "register_script", "get_encoder", "get_connection_kwargs"}),
        "`redis.asyncio.Redis`",
    ),
    "sqlite3.Connection": (
        frozenset({"execute", "executemany", "executescript", "commit", "rollback", "backup"}),
        frozenset(),
        "an async driver (`aiosqlite`)",
    ),
    "sqlite3.Cursor": (
        frozenset({"execute", "executemany", "executescript", "fetchone", "fetchmany", "fetchall"}),
        frozenset(),
        "an async driver (`aiosqlite`)",
    ),
    "psycopg2.extensions.connection": (frozenset({"commit", "rollback"}), frozenset(), "an async driver"),
    "psycopg2.extensions.cursor": (
        frozenset({"execute", "executemany", "fetchone", "fetchmany", "fetchall", "callproc"}),
        frozenset(),
        "an async driver",
    ),
    "pymysql.connections.Connection": (frozenset({"commit", "rollback", "ping"}), frozenset(), "an async driver"),
    "pymysql.cursors.Cursor": (
        frozenset({"execute", "executemany", "fetchone", "fetchmany", "fetchall", "callproc"}),
        frozenset(),
        "an async driver",
    ),
    "smtplib.SMTP": (
        frozenset({"login", "starttls", "sendmail", "send_message", "quit", "ehlo", "connect", "noop"}),
        frozenset(),
        "an async SMTP client (`aiosmtplib`)",
    ),
}


def blocking_method_advice(type_qualname: str, method: str) -> str | None:
    """Advice when ``method`` on an instance of ``type_qualname`` blocks, else None."""
    entry = BLOCKING_METHODS.get(type_qualname)
    if entry is None:
        return None
    methods, harmless, advice = entry
    if method.startswith("_") or method in harmless:
        return None
    if methods is ALL_METHODS or method in methods:
        return advice
    return None
