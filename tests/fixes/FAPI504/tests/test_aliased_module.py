import httpx as hx
import pytest

from app.main import app


@pytest.mark.anyio
async def test_read_invoice() -> None:
    async with hx.AsyncClient(app=app, base_url="http://test") as ac:
        response = await ac.get("/invoices/3")
    assert response.status_code == 200
