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
