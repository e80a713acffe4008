"""Database URLs with a password written in them (FAPI403), read from a string's text: what
the facts pass flags (``ModuleFacts.password_url``) and the rule reports."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from fastapi_lint.data.security import DATABASE_URL_SCHEMES, LOCAL_HOSTS, PLACEHOLDER_PASSWORD_MARKS, PLACEHOLDER_PASSWORDS


def url_with_password(text: object) -> str | None:
    """The scheme of a database URL with a real password in it (``postgresql+asyncpg`` is
    ``postgresql``), or None: no password, a placeholder (``${DB_PASSWORD}``, ``<password>``,
    ``password``, ``changeme``, ``xxx``), the user name repeated, or a local host."""
    if not isinstance(text, str) or "://" not in text or "@" not in text or len(text) > 2000:
        return None
    try:
        parts = urlsplit(text.strip())
        password = parts.password
        hostname = parts.hostname
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    base = scheme.split("+")[0] if scheme != "mongodb+srv" else scheme
    if base not in DATABASE_URL_SCHEMES or not password:
        return None
    password = unquote(password)
    lowered = password.lower()
    if lowered in PLACEHOLDER_PASSWORDS or any(mark in password for mark in PLACEHOLDER_PASSWORD_MARKS):
        return None
    if len(set(lowered)) == 1 and lowered[0] in "x*.#":  # xxxxx, *****
        return None
    if parts.username is not None and lowered == unquote(parts.username).lower():
        return None  # postgres:postgres, the image's default
    if hostname is None or hostname.lower() in LOCAL_HOSTS:
        return None
    return base
