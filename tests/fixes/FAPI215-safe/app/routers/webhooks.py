from fastapi import APIRouter, Request

router = APIRouter(prefix="/webhooks")


@router.api_route(
    "/stripe",
    methods=["POST"],
    status_code=202,  # accepted, processed later
    summary="Stripe events",
)
async def stripe_webhook(request: Request) -> dict:
    return {"received": True}


@router.api_route(
    "/github",
    response_model=dict,
    methods=["PUT"],
)
async def github_webhook(request: Request) -> dict:
    return {}


@router.api_route("/ping", response_model=None, methods={"HEAD"})
async def ping() -> None:
    return None
