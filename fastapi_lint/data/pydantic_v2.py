"""Pydantic v1 -> v2 rename tables (FAPI601-604), from the Pydantic migration guide
(https://docs.pydantic.dev/latest/migration/) and pydantic's own
``pydantic/_internal/_config.py`` (``V2_RENAMED_KEYS`` / ``V2_REMOVED_KEYS``)."""

from __future__ import annotations

# Classes whose subclasses are Pydantic v2 models (or v1 models spelled through the
# v2 namespace). ``pydantic.v1.*`` is deliberately absent: code on the v1 shim is fine.
# What counts as a Pydantic model: a subclass of one of these (SQLModel's tables are models).
# FastAPI reads a parameter of such a type from the request body.
PYDANTIC_MODELS = frozenset({
    "pydantic.BaseModel", "pydantic.main.BaseModel", "sqlmodel.SQLModel", "sqlmodel.main.SQLModel",
})
# Every class whose subclasses have the model API FAPI601-603 look for: models, root models, settings.
MODEL_BASES = PYDANTIC_MODELS | frozenset({
    "pydantic.RootModel", "pydantic.root_model.RootModel",
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.env_settings.BaseSettings",
})
# v2 settings: `SettingsConfigDict` is only right for pydantic_settings' class.
V2_SETTINGS_BASES = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings"})
V1_SETTINGS_NAMES = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})

# ------------------------------------------------------------------ FAPI601 methods

# v1 instance method -> (v2 method, keywords the v2 method accepts with the same meaning)
_DUMP_KEYWORDS = frozenset({"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"})
INSTANCE_METHODS: dict[str, tuple[str, frozenset[str]]] = {
    "dict": ("model_dump", _DUMP_KEYWORDS),
    "json": ("model_dump_json", _DUMP_KEYWORDS),
    # include/exclude are not parameters of model_copy
    "copy": ("model_copy", frozenset({"update", "deep"})),
}
# v1 class method -> (v2 method or None when there is no one-to-one rename,
#                     keywords kept, positional arguments allowed, fix is unsafe)
CLASS_METHODS: dict[str, tuple[str | None, frozenset[str], int, bool]] = {
    "parse_obj": ("model_validate", frozenset({"obj"}), 1, False),
    # JSON-mode validation is not python-mode validation of json.loads() (strict models differ)
    "parse_raw": ("model_validate_json", frozenset(), 1, True),
    "from_orm": ("model_validate", frozenset({"obj"}), 1, False),  # safety decided by the config
    "schema": ("model_json_schema", frozenset({"by_alias", "ref_template"}), 2, False),
    "update_forward_refs": ("model_rebuild", frozenset(), 0, False),
    "construct": ("model_construct", frozenset(), 1, False),  # **values are field names: any keyword
    "schema_json": (None, frozenset(), 0, False),  # json.dumps(Model.model_json_schema())
    "parse_file": (None, frozenset(), 0, False),  # Model.model_validate_json(Path(p).read_text())
}
CLASS_METHOD_ADVICE = {
    "schema_json": "`json.dumps(Model.model_json_schema())`",
    "parse_file": "`Model.model_validate_json(Path(path).read_text())`",
}
# v2 methods that return an instance of the model they are called on.
CONSTRUCTORS = frozenset({
    "model_validate", "model_validate_json", "model_validate_strings", "model_construct",
    "parse_obj", "parse_raw", "parse_file", "from_orm", "construct",
})

# ------------------------------------------------------------------ FAPI602 validators

VALIDATORS = frozenset({
    "pydantic.validator", "pydantic.class_validators.validator",
    "pydantic.deprecated.class_validators.validator",
})
ROOT_VALIDATORS = frozenset({
    "pydantic.root_validator", "pydantic.class_validators.root_validator",
    "pydantic.deprecated.class_validators.root_validator",
})
FIELD_VALIDATOR = frozenset({"pydantic.field_validator", "pydantic.functional_validators.field_validator"})
MODEL_VALIDATOR = frozenset({"pydantic.model_validator", "pydantic.functional_validators.model_validator"})

# ------------------------------------------------------------------ FAPI603 config

# v1 `class Config` key -> ConfigDict key (same value).
CONFIG_RENAMES = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "schema_extra": "json_schema_extra",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "min_anystr_length": "str_min_length",
    "max_anystr_length": "str_max_length",
    "validate_all": "validate_default",
    "keep_untouched": "ignored_types",
}
# Keys with the same name and meaning in v1 Config and v2 ConfigDict (plus v2-only keys
# that people already write in `class Config`).
CONFIG_SAME = frozenset({
    "title", "extra", "frozen", "validate_assignment", "arbitrary_types_allowed", "use_enum_values",
    "alias_generator", "allow_inf_nan", "json_encoders",
    # v2 names
    "from_attributes", "populate_by_name", "json_schema_extra", "str_strip_whitespace", "str_to_lower",
    "str_to_upper", "str_min_length", "str_max_length", "validate_default", "ignored_types", "strict",
    "revalidate_instances", "protected_namespaces", "hide_input_in_errors", "defer_build",
    "use_attribute_docstrings", "coerce_numbers_to_str", "validate_return", "loc_by_alias",
    "ser_json_timedelta", "ser_json_bytes", "regex_engine", "validate_by_name", "validate_by_alias",
    "serialize_by_alias",
})
# pydantic-settings keys kept as they are in SettingsConfigDict.
SETTINGS_KEYS = frozenset({
    "env_prefix", "env_file", "env_file_encoding", "env_nested_delimiter", "secrets_dir",
    "case_sensitive", "env_ignore_empty", "env_parse_none_str", "env_parse_enums", "cli_parse_args",
    "env_nested_max_split", "nested_model_default_partial_update",
})
# `extra = Extra.forbid` -> `extra="forbid"`
EXTRA_ENUMS = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
EXTRA_VALUES = frozenset({"allow", "ignore", "forbid"})
CONFIG_DICT = frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"})
SETTINGS_CONFIG_DICT = frozenset({"pydantic_settings.SettingsConfigDict", "pydantic_settings.main.SettingsConfigDict"})

# ------------------------------------------------------------------ FAPI604 settings import

V1_BASESETTINGS = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})

# Pydantic's own validation error (v2, its core, and v1's spellings): what model
# construction and `model_validate` raise, never what FastAPI raises for a request (FAPI223).
PYDANTIC_VALIDATION_ERRORS = frozenset({
    "pydantic.ValidationError",
    "pydantic_core.ValidationError",
    "pydantic_core._pydantic_core.ValidationError",
    "pydantic.error_wrappers.ValidationError",
    "pydantic.v1.ValidationError",
    "pydantic.v1.error_wrappers.ValidationError",
})
# Attributes whose call validates data explicitly, raising Pydantic's ValidationError in the
# app's own code (a handler for it then has errors to see besides request validation).
EXPLICIT_VALIDATION_METHODS = frozenset({
    "model_validate", "model_validate_json", "model_validate_strings",
    "parse_obj", "parse_raw", "parse_file", "validate_python", "validate_json", "validate_strings",
})
EXPLICIT_VALIDATION_FUNCTIONS = frozenset({
    "pydantic.parse_obj_as", "pydantic.tools.parse_obj_as", "pydantic.parse_raw_as",
    "pydantic.validate_call", "pydantic.validate_arguments",
})
