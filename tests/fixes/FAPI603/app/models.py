"""Models with v1-style configuration."""
from pydantic import BaseModel, Extra
from pydantic_settings import BaseSettings


class Item(BaseModel):
    name: str

    # ORM support
    class Config:
        orm_mode = True


class ItemOut(Item):
    price: float

    class Config:  # response config
        allow_population_by_field_name = True  # accept field names too
        # reject unknown keys
        extra = Extra.forbid
        schema_extra = {
            "example": {"name": "Hammer", "price": 9.5},
        }
        underscore_attrs_are_private = True


class Frozen(BaseModel):
    key: str

    class Config:
        allow_mutation = False
        anystr_strip_whitespace = True


class Settings(BaseSettings):
    database_url: str = "sqlite://"

    class Config:
        env_file = ".env"
        env_prefix = "SHOP_"
        case_sensitive = False


class Custom(BaseModel):
    name: str

    class Config:  # expect: FAPI603
        fields = {"name": "title"}
