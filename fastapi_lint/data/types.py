"""What well-known factory functions return, so ``client = httpx.Client()`` and
``r = redis.from_url(url)`` give their variables a type. Calling a class needs no
entry: its instance is of that class."""

CALL_RETURNS = {
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.Redis": "redis.Redis",
    "redis.StrictRedis.from_url": "redis.Redis",
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg2.extensions.connection.cursor": "psycopg2.extensions.cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "requests.session": "requests.Session",
    "requests.sessions.Session": "requests.Session",
    "httpx._client.Client": "httpx.Client",
    "pathlib.PurePath": "pathlib.PurePath",
    "pathlib.Path.cwd": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    "pathlib.Path.parent": "pathlib.Path",
    "pathlib.Path.resolve": "pathlib.Path",
    "pathlib.Path.absolute": "pathlib.Path",
    "pathlib.Path.with_suffix": "pathlib.Path",
    "pathlib.Path.with_name": "pathlib.Path",
    "pathlib.Path.joinpath": "pathlib.Path",
    "pathlib.Path.expanduser": "pathlib.Path",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    # urllib3's pools and managers
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.poolmanager.ProxyManager": "urllib3.ProxyManager",
    "urllib3.proxy_from_url": "urllib3.ProxyManager",
    "urllib3.poolmanager.proxy_from_url": "urllib3.ProxyManager",
    "urllib3.connectionpool.HTTPConnectionPool": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.HTTPSConnectionPool": "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.connectionpool.connection_from_url": "urllib3.HTTPConnectionPool",
    # boto3 / botocore: clients and resources (made by a factory, never by their class)
    "boto3.session.Session": "boto3.Session",
    "boto3.client": "botocore.client.BaseClient",
    "boto3.Session.client": "botocore.client.BaseClient",
    "boto3.resource": "boto3.resources.base.ServiceResource",
    "boto3.Session.resource": "boto3.resources.base.ServiceResource",
    "botocore.session.get_session": "botocore.session.Session",
    "botocore.session.Session.create_client": "botocore.client.BaseClient",
    **{f"boto3.resources.base.ServiceResource.{sub}": "boto3.resources.base.ServiceResource"
       for sub in ("Bucket", "Object", "ObjectSummary", "Table", "Queue", "Topic", "Instance", "Message")},
    # celery: what a call that queues a task, or asks for its result, hands back
    "celery.Celery.AsyncResult": "celery.result.AsyncResult",
    "celery.app.base.Celery.AsyncResult": "celery.result.AsyncResult",
    "celery.Celery.send_task": "celery.result.AsyncResult",
    "celery.app.base.Celery.send_task": "celery.result.AsyncResult",
    # password hashers
    "argon2._password_hasher.PasswordHasher": "argon2.PasswordHasher",
    "argon2.PasswordHasher.from_parameters": "argon2.PasswordHasher",
    "pwdlib._hash.PasswordHash": "pwdlib.PasswordHash",
    "pwdlib.PasswordHash.recommended": "pwdlib.PasswordHash",
    "passlib.context.CryptContext.copy": "passlib.context.CryptContext",
    # asyncio's loop accessors (FAPI107 loop.create_task, FAPI108 loop.run_in_executor)
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.events.AbstractEventLoop": "asyncio.AbstractEventLoop",
    "fastapi.openapi.docs.get_swagger_ui_html": "starlette.responses.HTMLResponse",
    "fastapi.openapi.docs.get_redoc_html": "starlette.responses.HTMLResponse",
    "fastapi.openapi.docs.get_swagger_ui_oauth2_redirect_html": "starlette.responses.HTMLResponse",
}

# Decorators that make a generator function a context manager: ``with cm() as x`` binds
# what the generator yields (``Iterator[Path]`` -> a Path), not what the call returns.
CONTEXT_MANAGER_DECORATORS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
GENERATOR_TYPES = frozenset({
    "typing.Iterator", "typing.Generator", "typing.AsyncIterator", "typing.AsyncGenerator",
    "collections.abc.Iterator", "collections.abc.Generator", "collections.abc.AsyncIterator",
    "collections.abc.AsyncGenerator",
})

# Decorators that make a function a celery task, whose ``.delay(...)``/``.apply_async(...)``
# hand back an ``AsyncResult`` (its ``.get()`` waits for the worker).
CELERY_TASK_DECORATORS = frozenset({
    "celery.shared_task", "celery.app.shared_task", "celery.Celery.task", "celery.app.base.Celery.task",
})
CELERY_TASK_CALLS = frozenset({"delay", "apply_async"})
