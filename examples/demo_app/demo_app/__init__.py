"""Notes API demo package for fastapi-lint."""
