"""Sources, propagators, sanitisers and sinks for the data-flow rules
(FAPI405 upload-filename-path, FAPI406 user-path-file-access, FAPI407 sql-string-formatting,
FAPI411 request-data-to-dangerous-sink), by canonical qualified name.

Every table is data: teaching the rules a library is adding a row.
"""

from __future__ import annotations

# ---------------------------------------------------------------- propagation

# Calls whose result is a ``pathlib`` path built from the arguments.
PATH_CONSTRUCTORS = frozenset({
    "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath",
    "pathlib.WindowsPath", "pathlib.PureWindowsPath", "anyio.Path", "aiopath.AsyncPath",
    "trio.Path",
})

# Calls that join their arguments into one filesystem path string.
PATH_JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})

# Calls whose result carries the data of any of their arguments.
PROPAGATING_FUNCTIONS = frozenset({
    "builtins.str", "builtins.bytes", "builtins.bytearray", "builtins.list", "builtins.tuple",
    "builtins.dict", "builtins.memoryview",
    "os.fspath", "os.fsencode", "os.fsdecode",
    "os.path.normpath", "os.path.abspath", "os.path.realpath", "os.path.expanduser",
    "os.path.expandvars", "os.path.normcase", "os.path.dirname", "os.path.splitext",
    "posixpath.splitext",
    "posixpath.normpath", "posixpath.abspath", "posixpath.realpath", "posixpath.dirname",
    "urllib.parse.unquote", "urllib.parse.unquote_plus", "urllib.parse.urljoin",
    "urllib.parse.urlparse", "urllib.parse.urlsplit", "urllib.parse.urlunparse",
    "urllib.parse.urlunsplit",
    "base64.b64decode", "base64.urlsafe_b64decode", "base64.standard_b64decode",
    "base64.b32decode", "base64.b16decode", "base64.a85decode", "base64.b85decode",
    "binascii.unhexlify", "binascii.a2b_base64", "bytes.fromhex", "codecs.decode",
    "zlib.decompress", "gzip.decompress", "json.loads", "orjson.loads", "ujson.loads",
    "textwrap.dedent",
})

# Methods that carry the data of their arguments into the result even on a clean receiver
# (``"/".join([base, name])``, ``base.joinpath(name)``, ``"{}".format(name)``).
PROPAGATING_METHODS = frozenset({
    "join", "joinpath", "format", "format_map", "replace", "urljoin", "copy_with",
})

# Methods of a path (or a path-like string) whose result no longer depends on the data:
# predicates and sizes.
CLEAN_METHODS = frozenset({
    "startswith", "endswith", "isalnum", "isalpha", "isdigit", "isdecimal", "isnumeric",
    "isidentifier", "isascii", "islower", "isupper", "isspace", "count", "find", "rfind",
    "index", "rindex", "exists", "is_file", "is_dir", "is_symlink", "is_absolute",
    "is_relative_to", "match", "full_match", "samefile", "stat", "lstat",
})

# ``Path.with_name``/``with_stem``/``with_suffix`` reject a value holding a separator, so their
# argument cannot move the path; they are not listed above.

# Attributes of a ``pathlib`` path that hold no directory part.
PATH_BASENAME_ATTRIBUTES = frozenset({"name", "stem", "suffix", "suffixes"})

# ---------------------------------------------------------------- sanitisers

# Calls whose result keeps at most the last path component (or none of the input).
FILENAME_SANITISERS = frozenset({
    "os.path.basename", "posixpath.basename", "ntpath.basename",
    "werkzeug.utils.secure_filename", "werkzeug.secure_filename",
    "pathvalidate.sanitize_filename", "pathvalidate.sanitize_filepath",
    "slugify.slugify", "django.utils.text.get_valid_filename", "django.utils.text.slugify",
    "shlex.quote",
})

# Calls that check a path stays under a base directory: any of them in a function
# counts as a containment check.
CONTAINMENT_FUNCTIONS = frozenset({
    "os.path.commonpath", "os.path.commonprefix", "posixpath.commonpath", "posixpath.commonprefix",
})
CONTAINMENT_METHODS = frozenset({"is_relative_to", "relative_to"})

# ---------------------------------------------------------------- filesystem sinks

# Functions that open, read, write, list or delete the path given as ``(position, keyword)``.
FS_FUNCTIONS: dict[str, tuple[tuple[int, str | None], ...]] = {
    "builtins.open": ((0, "file"),),
    "io.open": ((0, "file"),),
    "codecs.open": ((0, "filename"),),
    "os.open": ((0, "path"),),
    "aiofiles.open": ((0, "file"),),
    "aiofiles.threadpool.open": ((0, "file"),),
    "anyio.open_file": ((0, "file"),),
    "os.remove": ((0, "path"),),
    "os.unlink": ((0, "path"),),
    "os.rmdir": ((0, "path"),),
    "os.removedirs": ((0, "name"),),
    "os.mkdir": ((0, "path"),),
    "os.makedirs": ((0, "name"),),
    "os.listdir": ((0, "path"),),
    "os.scandir": ((0, "path"),),
    "os.rename": ((0, "src"), (1, "dst")),
    "os.replace": ((0, "src"), (1, "dst")),
    "os.chmod": ((0, "path"),),
    "os.truncate": ((0, "path"),),
    "aiofiles.os.remove": ((0, "path"),),
    "aiofiles.os.unlink": ((0, "path"),),
    "aiofiles.os.rename": ((0, "src"), (1, "dst")),
    "aiofiles.os.makedirs": ((0, "name"),),
    "aiofiles.os.mkdir": ((0, "path"),),
    "aiofiles.os.listdir": ((0, "path"),),
    "shutil.copy": ((0, "src"), (1, "dst")),
    "shutil.copy2": ((0, "src"), (1, "dst")),
    "shutil.copyfile": ((0, "src"), (1, "dst")),
    "shutil.copytree": ((0, "src"), (1, "dst")),
    "shutil.move": ((0, "src"), (1, "dst")),
    "shutil.rmtree": ((0, "path"),),
    "shutil.unpack_archive": ((0, "filename"), (1, "extract_dir")),
    "shutil.make_archive": ((0, "base_name"),),
    "starlette.responses.FileResponse": ((0, "path"),),
    "zipfile.ZipFile": ((0, "file"),),
    "tarfile.open": ((0, "name"),),
}

# Methods of a path object that touch the file it names.
FS_PATH_METHODS = frozenset({
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir",
    "mkdir", "touch", "iterdir", "rename", "replace", "symlink_to", "hardlink_to", "chmod",
})

# Methods that write an object to the path they are given (werkzeug ``FileStorage.save``,
# Pillow ``Image.save``, ``UploadFile``-like helpers).
FS_SAVE_METHODS = frozenset({"save"})

# ---------------------------------------------------------------- FAPI407: SQL

SQL_TEXT_FUNCTIONS = frozenset({
    "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
    "sqlalchemy.sql.elements.TextClause", "sqlmodel.text", "sqlmodel.sql.expression.text",
})
SQL_EXECUTE_METHODS = frozenset({
    "execute", "executemany", "executescript", "fetch", "fetchrow", "fetchval", "fetch_all",
    "fetch_one", "fetch_val", "iterate", "exec_driver_sql", "mogrify", "copy_expert",
})
# Connections whose type is known from how they were made or annotated, and the methods of
# each driver that take SQL text as ``(position, keyword)``: asyncpg ``Connection.cursor()``
# (the other asyncpg methods are in SQL_EXECUTE_METHODS) and pg8000's ``Connection.run()``.
SQL_DRIVER_FACTORIES = {
    "asyncpg.connect": "asyncpg",
    "asyncpg.connection.connect": "asyncpg",
    "asyncpg.create_pool": "asyncpg",
    "asyncpg.pool.create_pool": "asyncpg",
    "pg8000.native.Connection": "pg8000",
    "pg8000.connect": "pg8000",
    "pg8000.Connection": "pg8000",
    "pg8000.legacy.Connection": "pg8000",
}
SQL_DRIVER_CLASSES = {
    "asyncpg.Connection": "asyncpg",
    "asyncpg.connection.Connection": "asyncpg",
    "asyncpg.Pool": "asyncpg",
    "asyncpg.pool.Pool": "asyncpg",
    "asyncpg.pool.PoolConnectionProxy": "asyncpg",
    "pg8000.native.Connection": "pg8000",
    "pg8000.Connection": "pg8000",
    "pg8000.legacy.Connection": "pg8000",
}
# Methods of a known connection or pool that hand out another connection of the same driver.
SQL_DRIVER_ACQUIRE = frozenset({"acquire"})
SQL_DRIVER_METHODS: dict[str, dict[str, tuple[int, str]]] = {
    "asyncpg": {"cursor": (0, "query")},
    "pg8000": {"run": (0, "sql")},
}
SQL_KEYWORDS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "CREATE", "DROP", "ALTER",
                "REPLACE", "MERGE", "TRUNCATE", "UPSERT")
# Conversions whose result cannot carry SQL syntax.
SQL_SAFE_CALLS = frozenset({
    "builtins.int", "builtins.float", "builtins.bool", "builtins.len", "builtins.round",
    "builtins.abs", "builtins.min", "builtins.max", "builtins.sum", "builtins.hash",
    "builtins.id", "uuid.uuid4", "uuid.UUID",
})
# Parameter types whose values cannot carry SQL syntax.
SQL_SAFE_TYPES = frozenset({
    "builtins.int", "builtins.float", "builtins.bool", "uuid.UUID", "datetime.datetime",
    "datetime.date", "datetime.time", "datetime.timedelta", "decimal.Decimal",
})

# ---------------------------------------------------------------- FAPI411: dangerous sinks

# Shell command sinks: (position, keyword) of the command; ``needs_shell`` when only
# ``shell=True`` makes them run a shell.
SHELL_FUNCTIONS: dict[str, tuple[int, str, bool]] = {
    "subprocess.run": (0, "args", True),
    "subprocess.call": (0, "args", True),
    "subprocess.check_call": (0, "args", True),
    "subprocess.check_output": (0, "args", True),
    "subprocess.Popen": (0, "args", True),
    "subprocess.getoutput": (0, "cmd", False),
    "subprocess.getstatusoutput": (0, "cmd", False),
    "os.system": (0, "command", False),
    "os.popen": (0, "cmd", False),
    "asyncio.create_subprocess_shell": (0, "cmd", False),
    "asyncio.subprocess.create_subprocess_shell": (0, "cmd", False),
    "anyio.run_process": (0, "command", False),  # a string command runs through the shell
}

# Deserialisers that run code from their input.
DESERIALISERS: dict[str, tuple[int, str]] = {
    "pickle.loads": (0, "data"),
    "pickle.load": (0, "file"),
    "_pickle.loads": (0, "data"),
    "cPickle.loads": (0, "data"),
    "dill.loads": (0, "str"),
    "cloudpickle.loads": (0, "data"),
    "marshal.loads": (0, "bytes"),
    "jsonpickle.decode": (0, "string"),
    "shelve.open": (0, "filename"),
    "yaml.unsafe_load": (0, "stream"),
    "yaml.full_load": (0, "stream"),
    "joblib.load": (0, "filename"),
    "torch.load": (0, "f"),
}
YAML_LOAD = frozenset({"yaml.load", "yaml.load_all"})
YAML_SAFE_LOADERS = frozenset({
    "yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader",
    "yaml.loader.SafeLoader", "yaml.cyaml.CSafeLoader",
})

REDIRECTS = frozenset({"starlette.responses.RedirectResponse"})

# Outbound HTTP: module functions with the URL as ``(position, keyword)``.
HTTP_FUNCTIONS: dict[str, tuple[int, str]] = {
    **{f"requests.{m}": (0, "url") for m in ("get", "post", "put", "patch", "delete", "head", "options")},
    "requests.request": (1, "url"),
    **{f"httpx.{m}": (0, "url") for m in ("get", "post", "put", "patch", "delete", "head", "options")},
    "httpx.request": (1, "url"),
    "httpx.stream": (1, "url"),
    "urllib.request.urlopen": (0, "url"),
    "urllib.request.Request": (0, "url"),
    "urllib.request.urlretrieve": (0, "url"),
    "aiohttp.request": (1, "url"),
}
# Client classes whose methods take the URL the same way.
HTTP_CLIENT_CLASSES = frozenset({
    "httpx.Client", "httpx.AsyncClient", "requests.Session", "requests.sessions.Session",
    "aiohttp.ClientSession", "aiohttp.client.ClientSession",
})
HTTP_CLIENT_METHODS: dict[str, tuple[int, str]] = {
    **{m: (0, "url") for m in ("get", "post", "put", "patch", "delete", "head", "options")},
    "request": (1, "url"),
    "stream": (1, "url"),
    "build_request": (1, "url"),
}
