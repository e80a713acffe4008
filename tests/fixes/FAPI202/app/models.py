from pydantic import BaseModel


class Item(BaseModel):
    id: int
    name: str
    owner_email: str


class ItemOut(BaseModel):
    id: int
    name: str


class ServiceInfo(BaseModel):
    name: str
    version: str


class Tag(BaseModel):
    label: str
