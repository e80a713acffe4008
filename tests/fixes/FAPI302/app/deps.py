"""Annotated aliases shared by the routers."""
from typing import Annotated

from fastapi import Depends as D
from sqlalchemy.orm import Session

from app.db import get_db

DbSession = Annotated[Session, D(get_db())]  # the session of one request
FreshSession = Annotated[Session, D(get_db(), use_cache=False)]
