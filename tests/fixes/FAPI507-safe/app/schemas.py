from pydantic import BaseModel, Field


class Item(BaseModel):
    sku: str = Field(
        ...,
        regex=r"^[A-Z]{3}-\d{4}$",  # three letters, four digits  # expect: FAPI507
        description="Stock keeping unit",
    )
    name: str = Field(..., example="Widget")  # expect: FAPI507
    colour: str = Field(..., pattern=r"^[a-z]+$", examples=["red"])
