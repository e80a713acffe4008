import fastapi

router = fastapi.APIRouter(prefix="/users")
USERS: dict[int, str] = {}


@router.get("/{user_id}")
async def read_user(user_id: int):
    if user_id not in USERS:
        raise fastapi.HTTPException(404, "No such user")
    return {"name": USERS[user_id]}
