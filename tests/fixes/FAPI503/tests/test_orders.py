from collections.abc import Iterator

from fastapi.testclient import TestClient as Client
from pytest import fixture

from app.main import app

client = Client(app)  # expect: FAPI503


@fixture
def orders_client() -> Iterator[Client]:
    yield Client(app)


def test_read_order(orders_client: Client) -> None:
    assert orders_client.get("/orders/1").status_code == 200
