"""HTTP status codes and the `fastapi.status` / `starlette.status` constant for each.

Names as current Starlette (1.x, re-exported as `fastapi.status`) spells them: RFC 9110
names such as `HTTP_422_UNPROCESSABLE_CONTENT` and `HTTP_413_CONTENT_TOO_LARGE`; the older
spellings still resolve but emit a deprecation warning.
"""

from __future__ import annotations

STATUS_CONSTANTS: dict[int, str] = {
    100: "HTTP_100_CONTINUE",
    101: "HTTP_101_SWITCHING_PROTOCOLS",
    102: "HTTP_102_PROCESSING",
    103: "HTTP_103_EARLY_HINTS",
    200: "HTTP_200_OK",
    201: "HTTP_201_CREATED",
    202: "HTTP_202_ACCEPTED",
    203: "HTTP_203_NON_AUTHORITATIVE_INFORMATION",
    204: "HTTP_204_NO_CONTENT",
    205: "HTTP_205_RESET_CONTENT",
    206: "HTTP_206_PARTIAL_CONTENT",
    207: "HTTP_207_MULTI_STATUS",
    208: "HTTP_208_ALREADY_REPORTED",
    226: "HTTP_226_IM_USED",
    300: "HTTP_300_MULTIPLE_CHOICES",
    301: "HTTP_301_MOVED_PERMANENTLY",
    302: "HTTP_302_FOUND",
    303: "HTTP_303_SEE_OTHER",
    304: "HTTP_304_NOT_MODIFIED",
    305: "HTTP_305_USE_PROXY",
    306: "HTTP_306_RESERVED",
    307: "HTTP_307_TEMPORARY_REDIRECT",
    308: "HTTP_308_PERMANENT_REDIRECT",
    400: "HTTP_400_BAD_REQUEST",
    401: "HTTP_401_UNAUTHORIZED",
    402: "HTTP_402_PAYMENT_REQUIRED",
    403: "HTTP_403_FORBIDDEN",
    404: "HTTP_404_NOT_FOUND",
    405: "HTTP_405_METHOD_NOT_ALLOWED",
    406: "HTTP_406_NOT_ACCEPTABLE",
    407: "HTTP_407_PROXY_AUTHENTICATION_REQUIRED",
    408: "HTTP_408_REQUEST_TIMEOUT",
    409: "HTTP_409_CONFLICT",
    410: "HTTP_410_GONE",
    411: "HTTP_411_LENGTH_REQUIRED",
    412: "HTTP_412_PRECONDITION_FAILED",
    413: "HTTP_413_CONTENT_TOO_LARGE",
    414: "HTTP_414_URI_TOO_LONG",
    415: "HTTP_415_UNSUPPORTED_MEDIA_TYPE",
    416: "HTTP_416_RANGE_NOT_SATISFIABLE",
    417: "HTTP_417_EXPECTATION_FAILED",
    418: "HTTP_418_IM_A_TEAPOT",
    421: "HTTP_421_MISDIRECTED_REQUEST",
    422: "HTTP_422_UNPROCESSABLE_CONTENT",
    423: "HTTP_423_LOCKED",
    424: "HTTP_424_FAILED_DEPENDENCY",
    425: "HTTP_425_TOO_EARLY",
    426: "HTTP_426_UPGRADE_REQUIRED",
    428: "HTTP_428_PRECONDITION_REQUIRED",
    429: "HTTP_429_TOO_MANY_REQUESTS",
    431: "HTTP_431_REQUEST_HEADER_FIELDS_TOO_LARGE",
    451: "HTTP_451_UNAVAILABLE_FOR_LEGAL_REASONS",
    500: "HTTP_500_INTERNAL_SERVER_ERROR",
    501: "HTTP_501_NOT_IMPLEMENTED",
    502: "HTTP_502_BAD_GATEWAY",
    503: "HTTP_503_SERVICE_UNAVAILABLE",
    504: "HTTP_504_GATEWAY_TIMEOUT",
    505: "HTTP_505_HTTP_VERSION_NOT_SUPPORTED",
    506: "HTTP_506_VARIANT_ALSO_NEGOTIATES",
    507: "HTTP_507_INSUFFICIENT_STORAGE",
    508: "HTTP_508_LOOP_DETECTED",
    510: "HTTP_510_NOT_EXTENDED",
    511: "HTTP_511_NETWORK_AUTHENTICATION_REQUIRED",
}

# Older spellings Starlette still accepts (with a deprecation warning).
DEPRECATED_STATUS_CONSTANTS: dict[str, int] = {
    "HTTP_413_REQUEST_ENTITY_TOO_LARGE": 413,
    "HTTP_414_REQUEST_URI_TOO_LONG": 414,
    "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE": 416,
    "HTTP_422_UNPROCESSABLE_ENTITY": 422,
}

# Modules whose `HTTP_*` constants these are.
STATUS_MODULES = ("fastapi.status", "starlette.status")


def status_code_of(qualname: str | None) -> int | None:
    """The code a `fastapi.status.HTTP_204_NO_CONTENT`-style qualified name stands for."""
    if not qualname:
        return None
    module, _, name = qualname.rpartition(".")
    if module == "http.HTTPStatus":  # the standard library's enum: HTTPStatus.NO_CONTENT
        for code, constant in STATUS_CONSTANTS.items():
            if constant == f"HTTP_{code}_{name}":
                return code
        return None
    if module not in STATUS_MODULES:
        return None
    if name in DEPRECATED_STATUS_CONSTANTS:
        return DEPRECATED_STATUS_CONSTANTS[name]
    parts = name.split("_")
    if len(parts) > 2 and parts[0] == "HTTP" and parts[1].isdigit():
        code = int(parts[1])
        return code if STATUS_CONSTANTS.get(code) == name else None
    return None


# Codes whose current constant (above) only exists since Starlette 0.48, which renamed them
# after RFC 9110; older releases only have the name in DEPRECATED_STATUS_CONSTANTS. Every
# other constant above exists in all Starlette releases FastAPI has supported since 0.100
# (Starlette 0.27 and later).
RENAMED_IN_STARLETTE_0_48: frozenset[int] = frozenset(DEPRECATED_STATUS_CONSTANTS.values())
# The constant for those codes as Starlette spelt it before 0.48.
OLD_STATUS_NAMES: dict[int, str] = {code: name for name, code in DEPRECATED_STATUS_CONSTANTS.items()}
