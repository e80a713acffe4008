from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from httpx import AsyncClient as HTTPXAsyncClient

from app.legacy_wsgi import flask_admin
from app.main import app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(app=app, base_url="http://test") as ac:  # talks to the app in process
        yield ac


@pytest.fixture
async def aliased_client() -> AsyncIterator[HTTPXAsyncClient]:
    async with HTTPXAsyncClient(
        # the app under test
        app=app,
        base_url="http://test",
        follow_redirects=True,
    ) as ac:
        yield ac


@pytest.fixture
async def both_client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, root_path="/api")
    async with httpx.AsyncClient(app=app, transport=transport) as ac:  # expect: FAPI504
        yield ac


@pytest.fixture
def admin_client() -> Iterator[httpx.Client]:
    with httpx.Client(base_url="http://admin", app=flask_admin) as client:
        yield client


@pytest.fixture
def asgi_in_sync_client() -> httpx.Client:
    return httpx.Client(app=app, base_url="http://test")  # expect: FAPI504
