"""Request schemas with v1 validators."""
import pydantic
from pydantic import BaseModel, root_validator, validator


class ItemIn(BaseModel):
    name: str
    price: float
    sku: str

    @validator("name", "sku", pre=True, allow_reuse=True)  # strip first
    def strip(cls, v):
        return v.strip()

    @pydantic.validator(
        "price",
        check_fields=False,
    )
    def positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("price must be positive")
        return value

    @validator("sku")
    @classmethod
    def upper(cls, v):
        return v.upper()

    @validator("sku", always=True)  # expect: FAPI602
    def present(cls, v):
        return v

    @validator("name")  # expect: FAPI602
    def not_sku(cls, v, values):
        return v

    @root_validator(pre=True)
    def defaults(cls, values):
        values.setdefault("sku", "")
        return values

    @root_validator(skip_on_failure=True)  # expect: FAPI602
    def consistent(cls, values):
        return values
