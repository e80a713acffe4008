"""The moved name is the last one of a parenthesised import."""
from pydantic import (
    HttpUrl,  # urls
    BaseSettings,  # settings
)


class Env(BaseSettings):
    homepage: HttpUrl = "https://example.com"


def load() -> Env:
    if True:
        from pydantic.env_settings import BaseSettings as Local
        return Local
