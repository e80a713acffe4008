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
    "fastapi.openapi.docs.get_swagger_ui_html": "starlette.responses.HTMLResponse",
    "fastapi.openapi.docs.get_redoc_html": "starlette.responses.HTMLResponse",
    "fastapi.openapi.docs.get_swagger_ui_oauth2_redirect_html": "starlette.responses.HTMLResponse",
}
