"""Calls that block the event loop when made inside ``async def`` — the one table
FAPI101 reads. Keys are qualified names; the value is what to use instead.

Stat-like calls (``os.path.exists``, ``Path.is_file``) are left out on purpose: they are
quick and everywhere, and reporting them would bury the calls that really stall."""

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")
_SUBPROCESS = "`asyncio.create_subprocess_exec(...)` or `run_in_threadpool`"
_HASHING = "`await run_in_threadpool(...)`: password hashing is slow on purpose (CPU-bound)"
_CELERY = "no `.get()` in a request: return the task id and poll it, or `await run_in_threadpool(result.get)`"
_AWS = "an async client (`aioboto3`/`aiobotocore`) or `await run_in_threadpool(...)`"
_URLLIB3 = "`httpx.AsyncClient` (or run it in a threadpool)"
# passlib's ready-made hashers (``from passlib.hash import bcrypt``; ``bcrypt.hash(pw)``).
_PASSLIB_HASHERS = ("bcrypt", "bcrypt_sha256", "argon2", "pbkdf2_sha256", "pbkdf2_sha512", "sha256_crypt",
                    "sha512_crypt", "scrypt")

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
    "subprocess.Popen": _SUBPROCESS,
    **{f"os.{name}": _SUBPROCESS for name in (
        "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
        "posix_spawn", "posix_spawnp", "wait", "wait3", "wait4", "waitpid", "waitid",
    )},
    "os.system": "`asyncio.create_subprocess_shell(...)`",
    "os.popen": "`asyncio.create_subprocess_shell(...)`",
    "builtins.open": "`anyio.open_file` / `aiofiles.open`, or `run_in_threadpool`",
    **{
        f"shutil.{name}": "`await run_in_threadpool(shutil.{name}, ...)`".format(name=name)
        for name in ("copy", "copy2", "copyfile", "copyfileobj", "copytree", "move", "rmtree", "make_archive",
                     "unpack_archive")
    },
    "urllib3.request": _URLLIB3,
    "bcrypt.hashpw": _HASHING,
    "bcrypt.checkpw": _HASHING,
    "bcrypt.kdf": _HASHING,
    "hashlib.pbkdf2_hmac": _HASHING,
    "hashlib.scrypt": _HASHING,
    "argon2.low_level.hash_secret": _HASHING,
    "argon2.low_level.hash_secret_raw": _HASHING,
    "argon2.low_level.verify_secret": _HASHING,
    **{f"passlib.hash.{hasher}.{method}": _HASHING
       for hasher in _PASSLIB_HASHERS for method in ("hash", "verify", "encrypt")},
    "sqlite3.connect": "an async driver (`aiosqlite`) or a plain `def` endpoint",
    "psycopg2.connect": "an async driver (`asyncpg`, psycopg 3 async) or a plain `def` endpoint",
    "pymysql.connect": "an async driver (`aiomysql`) or a plain `def` endpoint",
    "smtplib.SMTP": "an async SMTP client (`aiosmtplib`) or a background task",
    "smtplib.SMTP_SSL": "an async SMTP client (`aiosmtplib`) or a background task",
}

# Calls that return at once when given this flag among their arguments (``os.waitpid(pid, os.WNOHANG)``).
NONBLOCKING_WITH_FLAG: dict[str, str] = {f"os.{name}": "WNOHANG" for name in ("wait3", "wait4", "waitpid", "waitid")}

# Calls a project declares blocking (`extend-blocking-calls`): their library has no async
# twin we know of, so the advice is to move them off the loop.
DECLARED_ADVICE = "`await run_in_threadpool(...)` (declared blocking in `extend-blocking-calls`)"

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
    "subprocess.Popen": (frozenset({"wait", "communicate"}), frozenset(), _SUBPROCESS),
    **{cls: (frozenset({"request", "request_encode_url", "request_encode_body", "urlopen"}), frozenset(), _URLLIB3)
       for cls in ("urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPConnectionPool",
                   "urllib3.HTTPSConnectionPool")},
    # boto3/botocore: every client method is a request to AWS, but for the few that only
    # build something locally; a resource's capitalised methods make sub-resources (no I/O).
    "botocore.client.BaseClient": (
        ALL_METHODS,
        frozenset({"get_paginator", "get_waiter", "can_paginate", "generate_presigned_url",
                   "generate_presigned_post", "close"}),
        _AWS,
    ),
    "boto3.resources.base.ServiceResource": (ALL_METHODS, frozenset({"get_available_subresources"}), _AWS),
    "celery.result.AsyncResult": (frozenset({"get", "wait", "join", "collect"}), frozenset(), _CELERY),
    "passlib.context.CryptContext": (
        frozenset({"hash", "verify", "verify_and_update", "encrypt", "dummy_verify"}), frozenset(), _HASHING,
    ),
    "argon2.PasswordHasher": (frozenset({"hash", "verify"}), frozenset(), _HASHING),
    "pwdlib.PasswordHash": (frozenset({"hash", "verify", "verify_and_update"}), frozenset(), _HASHING),
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
    if methods is ALL_METHODS and method[:1].isupper():
        return None  # a factory of a sub-object (boto3's ``s3.Bucket(name)``), not a call that does I/O
    if methods is ALL_METHODS or method in methods:
        return advice
    return None
