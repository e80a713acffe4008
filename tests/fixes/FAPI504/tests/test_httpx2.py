import pytest
from httpx2 import AsyncClient

from app.main import app


@pytest.mark.anyio
async def test_read_invoice_httpx2() -> None:
    async with AsyncClient(app=app, base_url="http://test") as ac:
        response = await ac.get("/invoices/1")
    assert response.status_code == 200
