import pydantic


def get_pagination(page: int = pydantic.Field(default=1, ge=1)) -> dict:  # expect: FAPI213
    return {"page": page}
