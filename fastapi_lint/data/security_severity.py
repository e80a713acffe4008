"""How code-scanning dashboards rank the security rules (FAPI4xx) in SARIF.

GitHub code scanning reads ``properties.security-severity`` (a CVSS-like score, 0.1-10.0:
9.0 and above is critical, 7.0 high, 4.0 medium, below that low) and the CWE tags
(``external/cwe/cwe-NNN``) of each rule. The scores rank the typical finding of the
rule: a bug an attacker can reach from outside scores high; a configuration that only
weakens another defence scores medium.
"""

from __future__ import annotations

# code -> (security-severity, CWE numbers)
SECURITY_SEVERITY: dict[str, tuple[str, tuple[int, ...]]] = {
    "FAPI401": ("8.1", (942,)),  # CORS: any origin with credentials
    "FAPI402": ("4.3", (942,)),  # CORS: any origin
    "FAPI403": ("7.5", (798,)),  # hard-coded credentials
    "FAPI404": ("8.1", (347,)),  # JWT signature not verified
    "FAPI405": ("7.5", (22,)),  # path traversal through an upload's file name
    "FAPI406": ("7.5", (22,)),  # path traversal through request data
    "FAPI407": ("8.8", (89,)),  # SQL injection
    "FAPI408": ("5.3", (208,)),  # timing side channel on credentials
    "FAPI409": ("5.3", (209,)),  # error message with internal details
    "FAPI410": ("5.3", (20,)),  # Host header not validated
    "FAPI411": ("8.8", (78, 502, 601, 918)),  # shell, deserialisation, redirect, SSRF
    "FAPI412": ("5.3", (215, 489)),  # tracebacks sent to clients: debug information exposed
    "FAPI413": ("3.1", (693,)),  # CORS headers missing on the answers of an outer middleware
    "FAPI414": ("7.5", (916, 256)),  # fast password hash, plaintext password storage
    "FAPI415": ("7.5", (538, 552)),  # source code and .env served as static files
}
