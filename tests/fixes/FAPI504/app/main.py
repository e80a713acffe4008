from fastapi import FastAPI

app = FastAPI(title="Billing")


@app.get("/invoices/{invoice_id}")
async def read_invoice(invoice_id: int) -> dict[str, int]:
    return {"id": invoice_id}
