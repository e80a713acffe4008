import pytest
from httpx import AsyncClient, Limits

from app.main import app


@pytest.mark.anyio
async def test_read_invoice() -> None:
    limits = Limits(max_connections=1)
    async with AsyncClient(app=app, base_url="http://test", limits=limits,) as ac:
        response = await ac.get("/invoices/1")
    assert response.status_code == 200
