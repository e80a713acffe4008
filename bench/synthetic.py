"""The synthetic scale project: N router modules and one app that includes them all.

Usage: python bench/synthetic.py OUT_DIR --modules 5000 [--same-shape-routes 5000]

Each router module defines an ``APIRouter`` with a prefix, a dependency, a response
model and a few path operations (one of them a blocking call in ``async def``, so every
module has a finding); ``app/main.py`` imports every router and includes it. The shape
is what makes project-wide facts expensive: one module that reads every other module.
``--same-shape-routes N`` writes instead one module with N routes of the same path shape
(``/items/{id}/sub{i}``), the worst case for the route-table rules.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROUTER = '''\
import time

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from app.deps import get_db

router = APIRouter(prefix="/r{n}", tags=["r{n}"])


class Item{n}(BaseModel):
    id: int
    name: str


@router.get("/items/{{item_id}}", response_model=Item{n})
async def read_item_{n}(item_id: int, db=Depends(get_db)) -> Item{n}:
    return Item{n}(id=item_id, name="x")


@router.post("/items", response_model=Item{n}, status_code=201)
async def create_item_{n}(item: Item{n}) -> Item{n}:
    time.sleep(0.1)
    return item


@router.delete("/items/{{item_id}}", status_code=204)
def delete_item_{n}(item_id: int) -> None:
    return None
'''

DEPS = '''\
def get_db():
    db = object()
    try:
        yield db
    finally:
        pass
'''


def write_project(out: Path, modules: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    package = out / "app"
    routers = package / "routers"
    routers.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (routers / "__init__.py").write_text("")
    (package / "deps.py").write_text(DEPS)
    for n in range(modules):
        (routers / f"r{n}.py").write_text(ROUTER.format(n=n))
    imports = "".join(f"from app.routers import r{n}\n" for n in range(modules))
    includes = "".join(f"app.include_router(r{n}.router)\n" for n in range(modules))
    (package / "main.py").write_text(f"from fastapi import FastAPI\n\n{imports}\napp = FastAPI()\n\n{includes}")


def write_same_shape(out: Path, routes: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    body = "".join(
        f'\n\n@app.get("/items/{{item_id}}/sub{i}")\nasync def handler_{i}(item_id: int) -> dict:\n    return {{}}\n'
        for i in range(routes))
    (out / "main.py").write_text(f"from fastapi import FastAPI\n\napp = FastAPI()\n{body}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--same-shape-routes", type=int, default=0)
    args = parser.parse_args()
    if args.same_shape_routes:
        write_same_shape(args.out, args.same_shape_routes)
    else:
        write_project(args.out, args.modules)


if __name__ == "__main__":
    main()
