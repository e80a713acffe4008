"""The claims rule pages make about FastAPI, Starlette and Pydantic, checked against the
installed libraries: the flagged code misbehaves as the page says, and its "Use instead"
does not."""

from __future__ import annotations

import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.testclient import TestClient


# ---------------------------------------------------------------- FAPI219


def _items_app(raise_it: bool) -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def read_item(item_id: str):
        if item_id != "foo":
            error = HTTPException(status_code=404, detail="Item not found")
            if raise_it:
                raise error
            return error
        return {"item": item_id}

    def current_user(token: str = "") -> str:
        if token != "secret":
            error = HTTPException(status_code=401, detail="bad token")
            if raise_it:
                raise error
            return error
        return "alice"

    @app.get("/me")
    def me(user=Depends(current_user)):
        return {"user": str(user)}

    return app


def test_fapi219_returned_httpexception_is_a_200_with_its_attributes():
    client = TestClient(_items_app(raise_it=False))
    response = client.get("/items/bar")
    assert response.status_code == 200
    assert response.json()["status_code"] == 404 and response.json()["detail"] == "Item not found"
    assert client.get("/me").status_code == 200  # the dependency's "check" let the request through


def test_fapi219_raised_httpexception_is_the_error():
    client = TestClient(_items_app(raise_it=True))
    response = client.get("/items/bar")
    assert response.status_code == 404 and response.json() == {"detail": "Item not found"}
    assert client.get("/me").status_code == 401


# ---------------------------------------------------------------- FAPI412


def _failing_app(debug: bool) -> FastAPI:
    app = FastAPI(debug=debug)

    @app.get("/boom")
    def boom():
        secret_dsn = "postgresql://app:hunter2@db/shop"  # noqa: F841 - a local a traceback shows
        raise RuntimeError("connection to db.internal:5432 refused")

    return app


def test_fapi412_debug_true_sends_the_traceback_to_the_client():
    client = TestClient(_failing_app(debug=True), raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Traceback" in response.text and "RuntimeError" in response.text
    assert "db.internal:5432" in response.text and "test_rule_claims.py" in response.text


def test_fapi412_debug_from_settings_off_sends_a_plain_500():
    client = TestClient(_failing_app(debug=False), raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"


# ---------------------------------------------------------------- FAPI107
# The documentation: "Important: Save a reference to the result of this function, to avoid a
# task disappearing mid-execution. The event loop only keeps weak references to tasks."
# (https://docs.python.org/3/library/asyncio-task.html#asyncio.create_task). Shown here too.


def _task_survives_gc(keep: bool) -> tuple[bool, list[str]]:
    import asyncio
    import gc
    import weakref

    reported: list[str] = []

    async def wait_for_signal() -> None:
        await asyncio.get_running_loop().create_future()  # a future only this task refers to

    async def main() -> bool:
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: reported.append(context["message"]))
        kept = set()
        task = asyncio.create_task(wait_for_signal())
        if keep:
            kept.add(task)
        ref = weakref.ref(task)
        del task
        await asyncio.sleep(0)  # the task starts and waits
        gc.collect()
        alive = ref() is not None
        for pending in kept:
            pending.cancel()
        await asyncio.sleep(0)
        return alive

    return asyncio.run(main()), reported


def test_fapi107_a_discarded_task_is_garbage_collected_while_pending():
    alive, reported = _task_survives_gc(keep=False)
    assert not alive
    assert any("Task was destroyed but it is pending" in message for message in reported)


def test_fapi107_a_task_kept_in_a_set_survives():
    alive, reported = _task_survives_gc(keep=True)
    assert alive and reported == []


# ---------------------------------------------------------------- FAPI605


def test_fapi605_a_field_validator_that_falls_off_the_end_makes_the_field_none():
    from pydantic import BaseModel, field_validator

    class Signup(BaseModel):
        username: str

        @field_validator("username")
        @classmethod
        def normalise_username(cls, v: str) -> str:
            if v != v.strip():
                return v.strip()

    assert Signup(username=" alice ").username == "alice"
    assert Signup(username="alice").username is None  # a `str` field holding None


def test_fapi605_a_before_model_validator_without_return_rejects_every_input():
    from pydantic import BaseModel, ValidationError, model_validator

    class Item(BaseModel):
        name: str
        nickname: str = ""

        @model_validator(mode="before")
        @classmethod
        def fill(cls, data):
            if isinstance(data, dict):
                data.setdefault("nickname", data.get("name"))

    with pytest.raises(ValidationError):
        Item(name="x")


def test_fapi605_validators_that_return_keep_the_value():
    from pydantic import BaseModel, field_validator, model_validator

    class Signup(BaseModel):
        username: str
        nickname: str = ""

        @field_validator("username")
        @classmethod
        def normalise_username(cls, v: str) -> str:
            return v.strip()

        @model_validator(mode="before")
        @classmethod
        def fill(cls, data):
            if isinstance(data, dict):
                data.setdefault("nickname", data.get("username"))
            return data

    signup = Signup(username="alice")
    assert signup.username == "alice" and signup.nickname == "alice"


# ---------------------------------------------------------------- FAPI108


def _offload(called: bool) -> tuple[bool, object]:
    import asyncio
    import threading

    from fastapi.concurrency import run_in_threadpool

    ran_in: list[threading.Thread] = []

    def render(order_id: int) -> bytes:
        ran_in.append(threading.current_thread())
        return b"report %d" % order_id

    async def main():
        try:
            if called:
                result = await run_in_threadpool(render(7))
            else:
                result = await run_in_threadpool(render, 7)
        except TypeError as error:
            result = error
        return threading.current_thread(), result

    loop_thread, result = asyncio.run(main())
    return ran_in[0] is loop_thread, result


def test_fapi108_a_called_function_runs_on_the_loop_and_the_offload_fails():
    on_loop, result = _offload(called=True)
    assert on_loop
    assert isinstance(result, TypeError) and "callable" in str(result)


def test_fapi108_a_passed_function_runs_in_a_worker_thread():
    on_loop, result = _offload(called=False)
    assert not on_loop and result == b"report 7"


# ---------------------------------------------------------------- FAPI606

_REGISTRATION = """
from pydantic import BaseModel, ValidationError, field_validator

class WithAssert(BaseModel):
    username: str

    @field_validator("username")
    @classmethod
    def alnum(cls, v: str) -> str:
        assert v.isalnum(), "Username must be alphanumeric"
        return v

class WithRaise(BaseModel):
    username: str

    @field_validator("username")
    @classmethod
    def alnum(cls, v: str) -> str:
        if not v.isalnum():
            raise ValueError("Username must be alphanumeric")
        return v

for model in (WithAssert, WithRaise):
    try:
        model(username="not valid!")
        print(model.__name__, "accepted")
    except ValidationError:
        print(model.__name__, "rejected")
"""


@pytest.mark.parametrize("optimize", [False, True], ids=["plain", "-O"])
def test_fapi606_assert_validation_vanishes_under_python_O_and_raise_does_not(optimize, tmp_path):
    import subprocess
    import sys

    script = tmp_path / "registration.py"
    script.write_text(_REGISTRATION)
    flags = ["-O"] if optimize else []
    out = subprocess.run([sys.executable, *flags, str(script)], capture_output=True, text=True, check=True).stdout
    assert f"WithAssert {'accepted' if optimize else 'rejected'}" in out
    assert "WithRaise rejected" in out


# ---------------------------------------------------------------- FAPI103 (call_next)


def _middleware_app(awaited: bool) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def passthrough(request, call_next):
        if awaited:
            return await call_next(request)
        return call_next(request)

    @app.get("/")
    def root() -> dict[str, bool]:
        return {"ok": True}

    return app


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # "coroutine ... was never awaited"
def test_fapi103_a_middleware_returning_call_next_unawaited_answers_500():
    client = TestClient(_middleware_app(awaited=False), raise_server_exceptions=False)
    assert client.get("/").status_code == 500


def test_fapi103_a_middleware_awaiting_call_next_answers():
    client = TestClient(_middleware_app(awaited=True))
    response = client.get("/")
    assert response.status_code == 200 and response.json() == {"ok": True}


# ---------------------------------------------------------------- FAPI503


def _app_with_lifespan(events: list[str]) -> FastAPI:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        events.append("startup")
        yield
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)

    @app.get("/")
    def root() -> dict[str, bool]:
        return {"ok": True}

    return app


def test_fapi503_a_testclient_outside_with_never_runs_the_lifespan():
    events: list[str] = []
    client = TestClient(_app_with_lifespan(events))
    assert client.get("/").status_code == 200
    assert events == []


def test_fapi503_a_testclient_in_with_runs_the_lifespan():
    events: list[str] = []
    with TestClient(_app_with_lifespan(events)) as client:
        assert client.get("/").status_code == 200
    assert events == ["startup", "shutdown"]


def test_fapi503_a_replaced_lifespan_context_is_what_runs():
    from contextlib import asynccontextmanager

    events: list[str] = []
    app = _app_with_lifespan(events)

    @asynccontextmanager
    async def noop(app):
        yield

    app.router.lifespan_context = noop
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
    assert events == []  # the app's own startup work is switched off on purpose


def test_fapi503_startup_handlers_registered_in_a_helper_need_with_too():
    import warnings

    events: list[str] = []

    def install(app):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)

            @app.on_event("startup")
            async def warm() -> None:
                events.append("startup")

    app = FastAPI()
    install(app)
    TestClient(app).get("/")
    assert events == []
    with TestClient(app):
        pass
    assert events == ["startup"]


# ---------------------------------------------------------------- FAPI415


def _project_root(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://app:hunter2@db/shop\n")
    (tmp_path / "main.py").write_text("SECRET_KEY = 'not-for-clients'\n")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.css").write_text("body {}\n")
    return tmp_path


def test_fapi415_static_files_over_the_project_root_serves_env_and_source(tmp_path):
    from fastapi.staticfiles import StaticFiles

    app = FastAPI()
    app.mount("/static", StaticFiles(directory=str(_project_root(tmp_path))), name="static")
    client = TestClient(app)
    assert "hunter2" in client.get("/static/.env").text
    assert "SECRET_KEY" in client.get("/static/main.py").text


def test_fapi415_a_dedicated_static_folder_serves_only_its_files(tmp_path):
    from fastapi.staticfiles import StaticFiles

    root = _project_root(tmp_path)
    app = FastAPI()
    app.mount("/static", StaticFiles(directory=str(root / "static")), name="static")
    client = TestClient(app)
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/.env").status_code == 404
    assert client.get("/static/main.py").status_code == 404


# ---------------------------------------------------------------- FAPI413


def _cors_and_auth_app(cors_last: bool) -> FastAPI:
    from fastapi import Request
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import JSONResponse

    app = FastAPI()

    def add_cors():
        app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_headers=["*"])

    if not cors_last:
        add_cors()

    @app.middleware("http")
    async def require_token(request: Request, call_next):
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "Not authenticated"}, status_code=401)
        return await call_next(request)

    if cors_last:
        add_cors()

    @app.get("/items")
    def items():
        return []

    return app


_ORIGIN = {"origin": "https://app.example.com"}
_PREFLIGHT = {**_ORIGIN, "access-control-request-method": "GET", "access-control-request-headers": "authorization"}


def test_fapi413_cors_inside_an_answering_middleware_sends_its_401_and_preflight_rejection_without_cors_headers():
    client = TestClient(_cors_and_auth_app(cors_last=False))
    response = client.get("/items", headers=_ORIGIN)
    assert response.status_code == 401 and "access-control-allow-origin" not in response.headers
    preflight = client.options("/items", headers=_PREFLIGHT)
    assert preflight.status_code == 401 and "access-control-allow-origin" not in preflight.headers


def test_fapi413_cors_added_last_puts_cors_headers_on_the_401_and_answers_the_preflight():
    client = TestClient(_cors_and_auth_app(cors_last=True))
    response = client.get("/items", headers=_ORIGIN)
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    preflight = client.options("/items", headers=_PREFLIGHT)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://app.example.com"


# ---------------------------------------------------------------- FAPI222

from fastapi import Request  # noqa: E402
from fastapi.encoders import jsonable_encoder  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.responses import JSONResponse  # noqa: E402
from pydantic import BaseModel, field_validator  # noqa: E402


class _Signup(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def not_admin(cls, value: str) -> str:
        if value == "admin":
            raise ValueError("reserved name")
        return value


def _signup_app(encoded: bool) -> TestClient:
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        errors = jsonable_encoder(exc.errors()) if encoded else exc.errors()
        return JSONResponse(status_code=422, content={"detail": errors})

    @app.post("/signup")
    def signup(user: _Signup):
        return user

    return TestClient(app, raise_server_exceptions=False)


def test_fapi222_unencoded_errors_turn_a_custom_validators_422_into_a_500():
    client = _signup_app(encoded=False)
    assert client.post("/signup", json={}).status_code == 422  # built-in errors still serialise
    assert client.post("/signup", json={"name": "admin"}).status_code == 500


def test_fapi222_encoded_errors_stay_a_422():
    client = _signup_app(encoded=True)
    response = client.post("/signup", json={"name": "admin"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Value error, reserved name"


# ---------------------------------------------------------------- FAPI223

from pydantic import ValidationError  # noqa: E402

from fastapi_lint.api import lint_text  # noqa: E402
from fastapi_lint.config import Settings  # noqa: E402


def _envelope_app(exc_class: type) -> tuple[TestClient, list]:
    app = FastAPI()
    seen: list = []

    @app.exception_handler(exc_class)
    async def on_invalid(request: Request, exc):
        seen.append(exc)
        return JSONResponse(status_code=422, content={"ok": False, "errors": jsonable_encoder(exc.errors())})

    @app.post("/items")
    def create(item: _Signup):
        return item

    return TestClient(app, raise_server_exceptions=False), seen


def test_fapi223_a_pydantic_validationerror_handler_never_sees_an_invalid_request():
    client, seen = _envelope_app(ValidationError)
    response = client.post("/items", json={})
    assert response.status_code == 422
    assert "ok" not in response.json() and "detail" in response.json()  # FastAPI's default answer
    assert seen == []
    assert not issubclass(RequestValidationError, ValidationError)


def test_fapi223_a_requestvalidationerror_handler_answers_for_invalid_requests():
    client, seen = _envelope_app(RequestValidationError)
    response = client.post("/items", json={})
    assert response.status_code == 422 and response.json()["ok"] is False
    assert len(seen) == 1


_VALIDATES_ITSELF = """
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

app = FastAPI()


class Theme(BaseModel):
    name: str


@app.exception_handler(ValidationError)
async def on_invalid(request: Request, exc: ValidationError):
    return JSONResponse(status_code=422, content={"errors": exc.errors(include_context=False)})


@app.put("/theme")
async def put_theme(request: Request):
    return Theme.model_validate(await request.json())
"""


def test_fapi223_is_silent_where_the_app_validates_itself_and_the_handler_does_answer(tmp_path):
    settings = Settings(root=tmp_path, select=("FAPI223",))
    namespace: dict = {}
    exec(compile(_VALIDATES_ITSELF, "validates_itself.py", "exec"), namespace)  # our own test source
    client = TestClient(namespace["app"], raise_server_exceptions=False)
    response = client.put("/theme", json={})
    assert response.status_code == 422 and "errors" in response.json()  # the handler's own answer
    flagged = lint_text(_VALIDATES_ITSELF, settings=settings)
    assert [d for d in flagged if d.code == "FAPI223"] == []
    # Without the explicit validation, the same handler is flagged.
    without = _VALIDATES_ITSELF.replace("Theme.model_validate(await request.json())", "await request.json()")
    assert [d.code for d in lint_text(without, settings=settings)] == ["FAPI223"]
    # Nor when request validation has its own handler too: this one is then for something else.
    both = without + (
        "\n\nfrom fastapi.exceptions import RequestValidationError\n\n\n"
        "async def on_request(request: Request, exc: RequestValidationError):\n"
        "    return JSONResponse(status_code=422, content={'detail': 'invalid'})\n\n\n"
        "app.add_exception_handler(RequestValidationError, on_request)\n"
    )
    assert [d.code for d in lint_text(both, settings=settings)] == []


# ---------------------------------------------------------------- FAPI220

from typing import Annotated, Optional  # noqa: E402

from fastapi import Query  # noqa: E402


class _Filters(BaseModel):
    status: str = "any"


def _tags_app() -> TestClient:
    app = FastAPI()

    @app.get("/required")
    def required(tags: list[str]):
        return {"tags": tags}

    @app.get("/defaulted")
    def defaulted(tags: Optional[list[str]] = None):
        return {"tags": tags}

    @app.get("/model")
    def model(filters: _Filters):
        return filters

    @app.get("/query")
    def query(tags: Annotated[list[str], Query()] = []):
        return {"tags": tags}

    @app.get("/query-model")
    def query_model(filters: Annotated[_Filters, Query()]):
        return filters

    return TestClient(app)


def test_fapi220_an_unmarked_list_on_get_is_a_body_and_the_query_is_ignored():
    client = _tags_app()
    response = client.get("/required?tags=a&tags=b")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body"]
    assert client.get("/defaulted?tags=a").json() == {"tags": None}  # silently the default
    response = client.get("/model?status=open")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body"]


def test_fapi220_a_query_marker_reads_the_query_string():
    client = _tags_app()
    assert client.get("/query?tags=a&tags=b").json() == {"tags": ["a", "b"]}
    assert client.get("/query-model?status=open").json() == {"status": "open"}


# ---------------------------------------------------------------- FAPI221

from pydantic import Field, SecretStr  # noqa: E402


class _UserInDB(BaseModel):
    username: str
    hashed_password: str


class _UserOut(BaseModel):
    username: str


class _Masked(BaseModel):
    username: str
    api_key: SecretStr
    password_hash: str = Field(exclude=True)


def _users_app() -> TestClient:
    app = FastAPI()
    row = {"username": "alice", "hashed_password": "$2b$12$abc", "api_key": "sk-live-1", "password_hash": "$2b$12$abc"}

    @app.get("/leaky", response_model=_UserInDB)
    def leaky():
        return row

    @app.get("/filtered", response_model=_UserOut)
    def filtered():
        return row

    @app.get("/masked", response_model=_Masked)
    def masked():
        return row

    return TestClient(app)


def test_fapi221_a_credential_field_of_the_response_model_is_sent():
    assert _users_app().get("/leaky").json()["hashed_password"] == "$2b$12$abc"


def test_fapi221_an_output_model_secretstr_and_exclude_keep_it_out():
    client = _users_app()
    assert client.get("/filtered").json() == {"username": "alice"}
    assert client.get("/masked").json() == {"username": "alice", "api_key": "**********"}


# ---------------------------------------------------------------- FAPI109

import asyncio  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402
from fastapi.responses import StreamingResponse  # noqa: E402


def _stream_blocks_other_requests(awaitless: bool) -> list[str]:
    """The order in which a slow stream's chunks and a concurrent /ping are served."""
    events: list[str] = []
    app = FastAPI()

    async def async_chunks():
        for i in range(4):
            time.sleep(0.15)  # sync work per chunk (a sync client, a file, a computation)
            events.append(f"chunk {i}")
            yield f"{i}\n"

    def sync_chunks():
        for i in range(4):
            time.sleep(0.15)
            events.append(f"chunk {i}")
            yield f"{i}\n"

    @app.get("/stream")
    async def stream():
        return StreamingResponse(async_chunks() if awaitless else sync_chunks())

    @app.get("/ping")
    async def ping():
        events.append("ping")
        return "pong"

    async def main() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            async def later_ping():
                await asyncio.sleep(0.05)  # sent while the stream is running
                return await client.get("/ping")

            streamed, pinged = await asyncio.gather(client.get("/stream"), later_ping())
            assert streamed.text == "0\n1\n2\n3\n" and pinged.status_code == 200

    asyncio.run(main())
    return events


def test_fapi109_an_awaitless_async_generator_holds_the_loop_for_the_whole_stream():
    events = _stream_blocks_other_requests(awaitless=True)
    assert events == ["chunk 0", "chunk 1", "chunk 2", "chunk 3", "ping"]


def test_fapi109_a_plain_generator_runs_in_a_thread_and_other_requests_get_through():
    events = _stream_blocks_other_requests(awaitless=False)
    assert events.index("ping") < events.index("chunk 3")


# ---------------------------------------------------------------- FAPI509


def _mounted_admin(parent_enters: bool) -> tuple[FastAPI, list[str]]:
    from contextlib import asynccontextmanager

    events: list[str] = []

    @asynccontextmanager
    async def admin_lifespan(app: FastAPI):
        events.append("admin startup")
        yield
        events.append("admin shutdown")

    admin = FastAPI(lifespan=admin_lifespan)

    @admin.get("/stats")
    def stats():
        return {"events": list(events)}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with admin.router.lifespan_context(admin):
            yield

    app = FastAPI(lifespan=lifespan) if parent_enters else FastAPI()
    app.mount("/admin", admin)
    return app, events


def test_fapi509_a_mounted_apps_lifespan_never_runs():
    app, events = _mounted_admin(parent_enters=False)
    with TestClient(app) as client:
        assert client.get("/admin/stats").json() == {"events": []}
    assert events == []


def test_fapi509_the_parents_lifespan_entering_it_runs_it():
    app, events = _mounted_admin(parent_enters=True)
    with TestClient(app) as client:
        assert client.get("/admin/stats").json() == {"events": ["admin startup"]}
    assert events == ["admin startup", "admin shutdown"]


# ---------------------------------------------------------------- FAPI224


from pydantic import BaseModel  # noqa: E402


class PatchedItem(BaseModel):
    name: str | None = None
    price: float | None = None
    tax: float = 10.5


def _patch_app(exclude_unset: bool) -> TestClient:
    items = {"foo": {"name": "Foo", "price": 50.2, "tax": 20.2}}
    app = FastAPI()

    @app.patch("/items/{item_id}")
    def update_item(item_id: str, item: PatchedItem):
        stored = PatchedItem(**items[item_id])
        data = item.model_dump(exclude_unset=True) if exclude_unset else item.model_dump()
        items[item_id] = stored.model_copy(update=data).model_dump()
        return items[item_id]

    return TestClient(app)


def test_fapi224_a_full_dump_resets_the_fields_the_client_did_not_send():
    response = _patch_app(exclude_unset=False).patch("/items/foo", json={"price": 60.0})
    assert response.json() == {"name": None, "price": 60.0, "tax": 10.5}


def test_fapi224_iterating_the_model_yields_the_fields_not_sent_too():
    item = PatchedItem.model_validate({"price": 60.0})
    assert dict(item) == {"name": None, "price": 60.0, "tax": 10.5}
    assert item.model_dump(exclude_unset=True) == {"price": 60.0}


def test_fapi224_exclude_unset_changes_only_the_fields_sent():
    response = _patch_app(exclude_unset=True).patch("/items/foo", json={"price": 60.0})
    assert response.json() == {"name": "Foo", "price": 60.0, "tax": 20.2}


# ---------------------------------------------------------------- FAPI225
# (the UploadFile FastAPI hands to the endpoint, built directly: form parsing needs python-multipart)


def _largest_read(chunked: bool, size: int) -> tuple[int, bool]:
    import asyncio
    import tempfile

    from fastapi import UploadFile

    async def endpoint(file: UploadFile) -> int:
        largest = 0
        if chunked:
            while chunk := await file.read(64 * 1024):
                largest = max(largest, len(chunk))
        else:
            largest = len(await file.read())
        return largest

    spooled = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    spooled.write(b"x" * size)
    spooled.seek(0)
    upload = UploadFile(spooled, size=size, filename="big.bin")
    on_disk = spooled._rolled  # the upload itself is on disk, not in memory
    return asyncio.run(endpoint(upload)), on_disk


def test_fapi225_read_without_a_size_holds_the_whole_upload_in_memory_at_once():
    assert _largest_read(chunked=False, size=3 * 1024 * 1024) == (3 * 1024 * 1024, True)


def test_fapi225_chunked_reads_hold_at_most_one_chunk():
    assert _largest_read(chunked=True, size=3 * 1024 * 1024) == (64 * 1024, True)


# ---------------------------------------------------------------- FAPI307


def _users_after_a_failed_request(per_request: bool) -> list[str]:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from sqlalchemy.orm import DeclarativeBase, sessionmaker
    from sqlalchemy.pool import StaticPool

    class Base(DeclarativeBase):
        pass

    class User(Base):  # Column style: this module's annotations are strings
        __tablename__ = "users"
        id = sqlalchemy.Column(sqlalchemy.Integer, primary_key=True)
        name = sqlalchemy.Column(sqlalchemy.String, nullable=False)

    engine = sqlalchemy.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    SessionLocal = sessionmaker(bind=engine)
    shared = SessionLocal()  # the module-level session

    def get_db():
        if per_request:
            with SessionLocal() as session:
                yield session
        else:
            yield shared

    app = FastAPI()

    @app.post("/drafts")
    def create_draft(db=Depends(get_db)):
        db.add(User(name="draft"))
        raise HTTPException(status_code=400, detail="invalid draft")  # never committed

    @app.post("/users/{name}")
    def create_user(name: str, db=Depends(get_db)):
        db.add(User(name=name))
        db.commit()
        return {"name": name}

    client = TestClient(app)
    assert client.post("/drafts").status_code == 400
    assert client.post("/users/alice").status_code == 200
    with SessionLocal() as session:
        return sorted(user.name for user in session.scalars(sqlalchemy.select(User)))


def test_fapi307_a_shared_session_commits_another_requests_abandoned_changes():
    assert _users_after_a_failed_request(per_request=False) == ["alice", "draft"]


def test_fapi307_a_session_per_request_keeps_requests_apart():
    assert _users_after_a_failed_request(per_request=True) == ["alice"]
