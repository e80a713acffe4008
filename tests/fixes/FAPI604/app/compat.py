"""Works on both majors: left alone."""
try:
    from pydantic_settings import BaseSettings
except ImportError:
    from pydantic import BaseSettings
