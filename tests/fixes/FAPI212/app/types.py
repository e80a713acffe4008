from typing import Annotated, Callable

from fastapi import Query

SearchTerm = Annotated[str, Query(max_length=50)]
Sorter = Callable[[str], str]
