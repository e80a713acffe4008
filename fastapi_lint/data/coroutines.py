"""Async-correctness tables for FAPI102-FAPI106: synchronous database sessions,
coroutine methods that must be awaited, per-request HTTP clients and HTTP calls
whose timeout matters. Keys are qualified names as the resolver spells them."""

from __future__ import annotations

# ---------------------------------------------------------------- FAPI102

# Classes of a synchronous SQLAlchemy / SQLModel session (AsyncSession is not here).
SYNC_SESSION_CLASSES = frozenset({
    "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.Session",
    "sqlmodel.Session",
    "sqlmodel.orm.session.Session",
})

# Classes of the asyncio sessions: a dependency or annotation naming one is never flagged.
ASYNC_SESSION_CLASSES = frozenset({
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.session.AsyncSession",
    "sqlmodel.ext.asyncio.session.AsyncSession",
})

# Factories of sessions: calling an instance gives a session of that kind.
SYNC_SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
ASYNC_SESSIONMAKERS = frozenset({
    "sqlalchemy.ext.asyncio.async_sessionmaker", "sqlalchemy.ext.asyncio.session.async_sessionmaker",
})
# Every session factory (FAPI307). scoped_session is not one: it hands each thread its own
# session by design.
SESSION_FACTORIES = SYNC_SESSIONMAKERS | ASYNC_SESSIONMAKERS

# Session methods that talk to the database (or may flush/autoflush).
SYNC_SESSION_METHODS = frozenset({
    "query", "execute", "scalar", "scalars", "commit", "add", "add_all", "refresh", "delete",
    "get", "flush", "rollback", "merge", "exec",
})

# Generic types whose first argument is what a generator dependency yields.
YIELDING_GENERICS = frozenset({
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in ("Generator", "Iterator", "Iterable", "AsyncGenerator", "AsyncIterator", "AsyncIterable")
})

# ---------------------------------------------------------------- FAPI103

_UPLOAD_FILE = frozenset({"read", "write", "seek", "close"})
_WEBSOCKET = frozenset({
    "send_text", "send_json", "send_bytes", "send", "receive_text", "receive_json",
    "receive_bytes", "receive", "accept", "close",
})
_REQUEST = frozenset({"json", "body", "form", "is_disconnected"})
# AsyncSession's coroutine methods (``add``, ``add_all``, ``expunge``, ``begin`` are not).
ASYNC_SESSION_COROUTINES = frozenset({
    "execute", "commit", "refresh", "scalar", "scalars", "get", "get_one", "delete", "flush",
    "rollback", "close", "stream", "stream_scalars", "merge", "run_sync", "invalidate", "connection",
    "exec",  # SQLModel's AsyncSession
})

# class qualname -> its coroutine methods (subclasses defined in the project count too).
COROUTINE_METHODS: dict[str, frozenset[str]] = {
    "fastapi.UploadFile": _UPLOAD_FILE,
    "starlette.datastructures.UploadFile": _UPLOAD_FILE,
    "starlette.websockets.WebSocket": _WEBSOCKET,
    "starlette.requests.Request": _REQUEST,
    **{name: ASYNC_SESSION_COROUTINES for name in ASYNC_SESSION_CLASSES},
}

# Starlette's HTTP middleware base class: ``dispatch(self, request, call_next)``.
HTTP_MIDDLEWARE_BASES = frozenset({"starlette.middleware.base.BaseHTTPMiddleware"})

# Module-level coroutine functions.
COROUTINE_FUNCTIONS = frozenset({"asyncio.sleep", "anyio.sleep"})

# ---------------------------------------------------------------- FAPI104

# HTTP client classes that own a connection pool; the value is how the message spells it.
HTTP_CLIENT_CLASSES: dict[str, str] = {
    "httpx.AsyncClient": "httpx.AsyncClient",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "httpx.Client": "httpx.Client",
    "httpx._client.Client": "httpx.Client",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
}

# ---------------------------------------------------------------- FAPI105

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

# requests: no default timeout, so a call without ``timeout=`` can hang forever.
REQUESTS_FUNCTIONS = frozenset(
    {f"requests.{verb}" for verb in _VERBS} | {f"requests.api.{verb}" for verb in _VERBS}
)
REQUESTS_SESSION_CLASSES = frozenset({"requests.Session", "requests.sessions.Session"})
REQUESTS_SESSION_METHODS = frozenset(_VERBS)
# ``Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)``:
# with this many positional arguments the timeout is given positionally.
REQUESTS_SESSION_REQUEST_TIMEOUT_INDEX = 8

# httpx: a 5 s default, so only an explicit ``timeout=None`` disables it.
HTTPX_FUNCTIONS = frozenset({f"httpx.{verb}" for verb in (*_VERBS, "stream")})
HTTPX_CLIENT_CLASSES = frozenset({
    "httpx.Client", "httpx._client.Client", "httpx.AsyncClient", "httpx._client.AsyncClient",
})
HTTPX_CLIENT_METHODS = frozenset({*_VERBS, "stream", "build_request"})

# ---------------------------------------------------------------- FAPI106

# Responses that iterate the (async) iterable they are given while the response is sent.
STREAMING_RESPONSE_CLASSES = frozenset({
    "starlette.responses.StreamingResponse",
    "sse_starlette.EventSourceResponse",
    "sse_starlette.sse.EventSourceResponse",
    "fastapi.sse.EventSourceResponse",
})
