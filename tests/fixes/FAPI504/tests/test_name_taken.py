import pytest
from httpx import AsyncClient

from app.main import app


class ASGITransport:
    """A local helper that happens to use the name: the fix must not import over it."""


@pytest.mark.anyio
async def test_read_invoice() -> None:
    async with AsyncClient(app=app, base_url="http://test") as ac:  # expect: FAPI504
        response = await ac.get("/invoices/4")
    assert response.status_code == 200
