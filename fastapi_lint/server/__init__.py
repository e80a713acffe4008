"""``fastapi-lint server``: a language server (LSP over standard input and output).

Needs the ``server`` extra (``pip install 'fastapi-lint[server]'``: pygls and lsprotocol);
without it, :func:`missing_dependencies` says what to install. See ``protocol.py`` for
what the server offers and ``workspace.py`` for how it keeps the project in memory.
"""

from __future__ import annotations

import logging
import sys

INSTALL_HINT = "pip install 'fastapi-lint[server]'"


def missing_dependencies() -> str | None:
    """Why the server cannot start here (its extra is not installed), or None."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
        from pygls.lsp.server import LanguageServer  # noqa: F401
    except ImportError as exc:
        return (f"the language server needs pygls and lsprotocol ({exc.name or exc} is missing); "
                f"install them with: {INSTALL_HINT}")
    return None


def serve(use_cache: bool = True, jobs: int = 1) -> None:
    """Speak LSP on standard input and output until the client says exit."""
    from fastapi_lint.server.protocol import build_server

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Only the protocol may write to standard output: anything else printed goes to stderr.
    sys.stdout = sys.stderr
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="fastapi-lint server: %(message)s")
    build_server(use_cache=use_cache, jobs=jobs).start_io(stdin, stdout)
