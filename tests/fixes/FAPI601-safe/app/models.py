"""Models of the shop."""
from pydantic import BaseModel, ConfigDict


class Item(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    price: float


class UserRecord(BaseModel):
    id: int
