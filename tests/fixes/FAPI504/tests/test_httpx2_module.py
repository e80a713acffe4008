import httpx2

from app.main import app


async def test_read_invoice_httpx2_module() -> None:
    async with httpx2.AsyncClient(app=app, base_url="http://test") as ac:
        response = await ac.get("/invoices/2")
    assert response.status_code == 200
