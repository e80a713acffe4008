"""Settings still imported from the Pydantic v1 location."""
import pydantic
from pydantic import BaseSettings as Base  # settings base
from pydantic import (
    BaseModel,  # models
    BaseSettings,  # settings moved in v2
    Field,
)
from pydantic import Field as F, BaseSettings


class Settings(Base):
    database_url: str = Field("sqlite://")


class Other(BaseSettings):
    debug: bool = F(False)


class Third(pydantic.BaseSettings):
    token: str = ""


class Limits(BaseModel):
    max_items: int = 100
