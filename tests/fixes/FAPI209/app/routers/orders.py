from fastapi import APIRouter, HTTPException

router = APIRouter(prefix="/orders")
ORDERS: dict[int, str] = {}


@router.get("/", status_code=200)
async def list_orders(status: str | None = None):
    if status not in (None, "open", "closed"):
        raise HTTPException(400, "Unknown status")  # expect: FAPI209
    return [o for o in ORDERS.values() if status is None or o == status]


@router.get("/{order_id}")
async def read_order(order_id: int):
    if order_id not in ORDERS:
        raise HTTPException(404)
    return {"order": ORDERS[order_id]}
