"""Qualified names of the FastAPI / Starlette objects the model recognises."""

# Re-exports collapse onto one spelling so rules compare a single name.
CANONICAL = {
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "starlette.applications.Starlette": "starlette.Starlette",
    "fastapi.param_functions.Depends": "fastapi.Depends",
    "fastapi.params.Depends": "fastapi.Depends",
    "fastapi.param_functions.Security": "fastapi.Security",
    "fastapi.params.Security": "fastapi.Security",
    "fastapi.middleware.cors.CORSMiddleware": "starlette.middleware.cors.CORSMiddleware",
    "fastapi.middleware.Middleware": "starlette.middleware.Middleware",
    "fastapi.responses.Response": "starlette.responses.Response",
    "fastapi.Response": "starlette.responses.Response",
    "fastapi.responses.HTMLResponse": "starlette.responses.HTMLResponse",
    "fastapi.responses.PlainTextResponse": "starlette.responses.PlainTextResponse",
    "fastapi.responses.RedirectResponse": "starlette.responses.RedirectResponse",
    "fastapi.responses.StreamingResponse": "starlette.responses.StreamingResponse",
    "fastapi.responses.FileResponse": "starlette.responses.FileResponse",
    "fastapi.responses.JSONResponse": "starlette.responses.JSONResponse",
    "fastapi.templating.Jinja2Templates": "starlette.templating.Jinja2Templates",
    "fastapi.requests.Request": "starlette.requests.Request",
    "fastapi.Request": "starlette.requests.Request",
    "fastapi.websockets.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.datastructures.UploadFile": "fastapi.UploadFile",
    "fastapi.exceptions.HTTPException": "fastapi.HTTPException",
    "pydantic.fields.Field": "pydantic.Field",
    **{f"fastapi.{module}.{name}": f"fastapi.{name}"
       for module in ("param_functions", "params")
       for name in ("Query", "Path", "Body", "Header", "Cookie", "Form", "File")},
}

# Packages that are a drop-in successor of one the tables name: every name in them reads as
# the same name in the original (``httpx2.AsyncClient`` is ``httpx.AsyncClient``), so each
# table entry, rule and fix that knows the original knows the successor too.
MODULE_ALIASES = {"httpx2": "httpx"}

APP_CLASSES = frozenset({"fastapi.FastAPI", "starlette.Starlette"})
ROUTER_CLASSES = frozenset({"fastapi.APIRouter"})
DEPENDS_FUNCTIONS = frozenset({"fastapi.Depends", "fastapi.Security"})
# Request-data markers a parameter can carry as its default or inside ``Annotated[...]``.
REQUEST_PARAM_FUNCTIONS = frozenset(
    f"fastapi.{name}" for name in ("Query", "Path", "Body", "Header", "Cookie", "Form", "File")
)
PARAM_FUNCTIONS = REQUEST_PARAM_FUNCTIONS | DEPENDS_FUNCTIONS

# Decorator methods of an app/router that register an HTTP path operation.
HTTP_METHOD_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "options", "head", "trace"})
ROUTE_DECORATORS = HTTP_METHOD_DECORATORS | {"api_route", "route"}
WEBSOCKET_DECORATORS = frozenset({"websocket", "websocket_route"})

CORS_MIDDLEWARE = "starlette.middleware.cors.CORSMiddleware"
MIDDLEWARE_WRAPPER = "starlette.middleware.Middleware"
# `Mount(path, app=...)` in an app's or router's `routes=[...]`
MOUNT_CLASSES = frozenset({"starlette.routing.Mount", "fastapi.routing.Mount"})

# Responses FastAPI serialises as JSON; any other Response class means "not JSON".
JSON_RESPONSE_CLASSES = frozenset({
    "starlette.responses.JSONResponse",
    "fastapi.responses.ORJSONResponse",
    "fastapi.responses.UJSONResponse",
})
NON_JSON_RESPONSE_CLASSES = frozenset({
    "starlette.responses.Response",
    "starlette.responses.HTMLResponse",
    "starlette.responses.PlainTextResponse",
    "starlette.responses.RedirectResponse",
    "starlette.responses.StreamingResponse",
    "starlette.responses.FileResponse",
    "sse_starlette.EventSourceResponse",
    "sse_starlette.sse.EventSourceResponse",
    "fastapi.sse.EventSourceResponse",
})
RESPONSE_CLASSES = JSON_RESPONSE_CLASSES | NON_JSON_RESPONSE_CLASSES

# Route objects listed in ``routes=[...]`` of Starlette(), FastAPI(), APIRouter() and Mount():
# what each is to the route table (route_table.py).
ROUTE_OBJECTS = {
    "starlette.routing.Route": "route",
    "fastapi.routing.APIRoute": "api_route",
    "starlette.routing.WebSocketRoute": "websocket",
    "fastapi.routing.APIWebSocketRoute": "websocket",
    "starlette.routing.Mount": "mount",
    "starlette.routing.Host": "host",
}
