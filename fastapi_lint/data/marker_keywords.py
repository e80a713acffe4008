"""Keyword arguments of ``pydantic.Field`` that FastAPI's markers accept with the same meaning
(FastAPI 0.100+ with Pydantic v2). FAPI213 rewrites ``Field(...)`` to a marker only when every
keyword is in the marker's set; anything else (``exclude``, ``frozen``, ``repr``, pydantic v1
spellings such as ``regex``/``min_items``, keywords only recent FastAPI versions accept such as
``fail_fast``) leaves the finding without a fix."""

from __future__ import annotations

_COMMON = frozenset({
    "alias", "alias_priority", "validation_alias", "serialization_alias", "title", "description",
    "gt", "ge", "lt", "le", "min_length", "max_length", "pattern", "discriminator", "strict",
    "multiple_of", "allow_inf_nan", "max_digits", "decimal_places", "examples", "deprecated",
    "json_schema_extra",
})

MARKER_KEYWORDS: dict[str, frozenset[str]] = {
    # a path parameter is always required: no default, no default_factory
    "Path": _COMMON | {"default"},
    "Query": _COMMON | {"default", "default_factory"},
    "Body": _COMMON | {"default", "default_factory"},
}
