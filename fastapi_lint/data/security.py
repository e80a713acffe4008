"""Qualified-name tables for the security rules (FAPI403, FAPI404, FAPI408, FAPI409, FAPI410).

Every table is data: adding a library is adding a row, not changing a rule.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecretSink:
    """Where a call takes a signing/encryption secret.

    ``position`` counts the call's positional arguments; for a middleware class it counts
    the arguments after the wrapped ``app`` (so it is the same for ``SessionMiddleware(app, key)``,
    ``app.add_middleware(SessionMiddleware, key)`` and ``Middleware(SessionMiddleware, key)``).
    """

    keyword: str
    position: int | None
    what: str  # how the message names the sink


# FAPI403: functions and classes whose key argument must not be a literal.
SECRET_FUNCTIONS: dict[str, SecretSink] = {
    # PyJWT
    **{f"jwt.{module}{name}": SecretSink("key", 1, f"jwt.{name}()")
       for module in ("", "api_jwt.")
       for name in ("encode", "decode", "decode_complete")},
    # python-jose
    **{f"jose.jwt.{name}": SecretSink("key", 1, f"jose.jwt.{name}()") for name in ("encode", "decode")},
    # itsdangerous serializers and signers
    **{f"itsdangerous.{module}{name}": SecretSink("secret_key", 0, name)
       for module in ("", "url_safe.", "timed.", "serializer.", "signer.")
       for name in ("Serializer", "URLSafeSerializer", "TimedSerializer", "URLSafeTimedSerializer",
                    "Signer", "TimestampSigner")},
    # fastapi-users
    **{qualname: SecretSink("secret", 0, "JWTStrategy")
       for qualname in ("fastapi_users.authentication.JWTStrategy",
                        "fastapi_users.authentication.strategy.JWTStrategy",
                        "fastapi_users.authentication.strategy.jwt.JWTStrategy")},
    # fastapi-login
    "fastapi_login.LoginManager": SecretSink("secret", 0, "LoginManager"),
    "fastapi_login.fastapi_login.LoginManager": SecretSink("secret", 0, "LoginManager"),
}

# FAPI403: ASGI middleware classes taking a secret (``position`` counts after ``app``).
SECRET_MIDDLEWARE: dict[str, SecretSink] = {
    "starlette.middleware.sessions.SessionMiddleware": SecretSink("secret_key", 0, "SessionMiddleware"),
}

# FAPI403: class attributes holding a secret in subclasses of these classes.
SECRET_CLASS_ATTRIBUTES: dict[str, frozenset[str]] = {
    qualname: frozenset({"reset_password_token_secret", "verification_token_secret"})
    for qualname in ("fastapi_users.BaseUserManager", "fastapi_users.manager.BaseUserManager")
}

# FAPI403: reading the environment with a default (``os.getenv("K", "default")``):
# qualname -> (positional index, keyword) of the default.
ENV_READERS: dict[str, tuple[int, str]] = {
    "os.getenv": (1, "default"),
    "os.environ.get": (1, "default"),
    "os.environ.setdefault": (1, "default"),
}

# FAPI403: literals that are public material, not secrets.
PUBLIC_KEY_PREFIXES = ("-----BEGIN PUBLIC KEY", "-----BEGIN RSA PUBLIC KEY", "-----BEGIN CERTIFICATE",
                       "ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-")

# FAPI404: JWT decoders that verify a signature: qualname -> library label.
# Positions: token 0, key 1, algorithms 2, options 3 in both libraries.
JWT_DECODERS: dict[str, str] = {
    "jwt.decode": "PyJWT",
    "jwt.decode_complete": "PyJWT",
    "jwt.api_jwt.decode": "PyJWT",
    "jwt.api_jwt.decode_complete": "PyJWT",
    "jose.jwt.decode": "python-jose",
}

# FAPI408: what an HTTP Basic credentials parameter looks like.
HTTP_BASIC_CREDENTIALS = frozenset({
    "fastapi.security.HTTPBasicCredentials",
    "fastapi.security.http.HTTPBasicCredentials",
})
HTTP_BASIC_SCHEMES = frozenset({"fastapi.security.HTTPBasic", "fastapi.security.http.HTTPBasic"})
HTTP_BASIC_FIELDS = frozenset({"username", "password"})

# FAPI409: exception classes (and the status code) whose handler sees every unexpected error.
BROAD_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})
BROAD_STATUS_CODES = frozenset({500})
HTTP_EXCEPTIONS = frozenset({"fastapi.HTTPException", "starlette.exceptions.HTTPException"})
# Response classes whose first argument (``content``) becomes the response body.
BODY_RESPONSES = frozenset({
    "starlette.responses.Response",
    "starlette.responses.JSONResponse",
    "starlette.responses.HTMLResponse",
    "starlette.responses.PlainTextResponse",
    "fastapi.responses.ORJSONResponse",
    "fastapi.responses.UJSONResponse",
})
# Calls that turn the exception being handled into text.
TRACEBACK_FORMATTERS = frozenset({
    "traceback.format_exc",
    "traceback.format_exception",
    "traceback.format_exception_only",
    "traceback.format_tb",
    "traceback.format_stack",
})
EXCEPTION_TO_TEXT = frozenset({"builtins.str", "builtins.repr", "builtins.format"})

# FAPI410
TRUSTED_HOST_MIDDLEWARE = frozenset({
    "starlette.middleware.trustedhost.TrustedHostMiddleware",
    "fastapi.middleware.trustedhost.TrustedHostMiddleware",
})

# FAPI404: where the claims of an unverified decode may go without deciding anything:
# logging and metrics. Callables by qualname; receivers by the qualname they resolve to
# (``from loguru import logger``) or the factory they were made by (``logging.getLogger()``),
# with the methods that only record their arguments.
LOGGING_FUNCTIONS = frozenset({
    "builtins.print", "logging.debug", "logging.info", "logging.warning", "logging.warn",
    "logging.error", "logging.exception", "logging.critical", "logging.log",
    "warnings.warn",
})
LOGGER_OBJECTS = frozenset({"logging", "logging.root", "loguru.logger", "structlog"})
LOGGER_FACTORIES = frozenset({
    "logging.getLogger", "logging.Logger", "logging.LoggerAdapter", "logging.getLoggerClass",
    "structlog.get_logger", "structlog.getLogger", "structlog.stdlib.get_logger",
    "structlog.wrap_logger", "loguru.logger.bind",
})
LOGGER_METHODS = frozenset({
    "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
    "msg", "trace", "success",
})
METRIC_FACTORIES = frozenset({
    f"prometheus_client.{module}{name}"
    for module in ("", "metrics.")
    for name in ("Counter", "Gauge", "Histogram", "Summary", "Info", "Enum")
})
METRIC_METHODS = frozenset({"labels", "inc", "dec", "set", "observe", "info", "state"})


# Middleware classes that answer requests themselves, without calling the app (FAPI413): an
# authentication failure (Starlette's `on_error`, 400 by default), a rate limit (slowapi's 429).
ANSWERING_MIDDLEWARE = frozenset({
    "starlette.middleware.authentication.AuthenticationMiddleware",
    "fastapi.middleware.authentication.AuthenticationMiddleware",
    "slowapi.middleware.SlowAPIMiddleware",
    "slowapi.middleware.SlowAPIASGIMiddleware",
})
BASE_HTTP_MIDDLEWARE_CLASSES = frozenset({"starlette.middleware.base.BaseHTTPMiddleware"})

# Fast, unsalted hashes: fine for checksums, wrong for passwords (FAPI414).
FAST_HASH_FUNCTIONS = frozenset({
    f"hashlib.{name}" for name in (
        "md5", "sha1", "sha224", "sha256", "sha384", "sha512",
        "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s",
    )
} | {"builtins.hash"})
FAST_HASH_NAMES = frozenset({
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512_224", "sha512_256",
    "sha3_224", "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s", "md5-sha1", "sm3",
})
HASH_NEW = "hashlib.new"
# Parts of an identifier that name a password, and parts that mean it is not the password
# itself (a hash of it, the hashing context, a confirmation field to compare with).
PASSWORD_WORDS = ("password", "passwd", "pwd")
NOT_PLAIN_PASSWORD_WORDS = ("hash", "digest", "context", "ctx", "confirm", "repeat", "retype", "again", "policy",
                            "length", "min_", "max_", "reset", "expire", "changed", "_at", "field", "label")

# FAPI403: database URLs with a password in them. Schemes are compared without the driver
# (``postgresql+asyncpg`` is ``postgresql``); SQLite has no password.
DATABASE_URL_SCHEMES = frozenset({
    "postgresql", "postgres", "mysql", "mariadb", "mssql", "oracle", "cockroachdb", "redshift",
    "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "clickhouse", "snowflake",
})
# Passwords that are placeholders, not secrets (compared lower-cased, after unquoting).
PLACEHOLDER_PASSWORDS = frozenset({
    "password", "pass", "passwd", "pwd", "pw", "secret", "changeme", "change_me", "change-me", "changethis",
    "your_password", "yourpassword", "your-password", "mypassword", "my_password", "db_password", "dbpassword",
    "example", "placeholder", "redacted", "dummy", "fake", "test", "xxx", "...", "***", "user_password",
})
PLACEHOLDER_PASSWORD_MARKS = ("${", "{", "}", "<", ">", "%(", "$", "[", "]")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})

# FAPI403: settings fields whose name says they hold a secret (lower-cased substrings), and the
# name parts that say the field is about the secret, not the secret itself.
SECRET_FIELD_WORDS = ("secret", "password", "passwd", "api_key", "apikey", "private_key", "signing_key",
                      "access_key", "auth_token", "client_secret")
NOT_SECRET_FIELD_WORDS = ("url", "uri", "expire", "minutes", "seconds", "ttl", "algorithm", "length", "file",
                          "path", "name", "header", "field", "enabled", "enable", "min_", "max_", "policy",
                          "prefix", "location", "env", "rotation", "hash", "required")
