from starlette.exceptions import HTTPException

from app.errors import envelope
from app.internal import internal

# internal already handles Starlette's class here: rewriting the other handler would make two compete
internal.add_exception_handler(HTTPException, envelope)
