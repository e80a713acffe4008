"""allow_mutation=False -> frozen=True also makes instances hashable: unsafe."""
from pydantic import BaseModel


class Frozen(BaseModel):
    key: str

    class Config:  # expect: FAPI603
        allow_mutation = False


class Loose(BaseModel):
    key: str

    class Config:
        allow_mutation = True
        validate_assignment = True
