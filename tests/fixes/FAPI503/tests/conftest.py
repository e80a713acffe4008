import pytest
from fastapi.testclient import TestClient

from app.main import app, create_app


@pytest.fixture
def app_client() -> TestClient:
    # a fresh app per test
    return TestClient(create_app())  # no lifespan here


@pytest.fixture(scope="module")
def client():
    return TestClient(
        app,
        base_url="http://orders",
    )


@pytest.fixture
def raising_client(client: TestClient) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def flaky_client(request: pytest.FixtureRequest) -> TestClient:
    if request.config.getoption("--offline", default=False):
        return TestClient(app, base_url="http://offline")  # expect: FAPI503
    return TestClient(app)  # expect: FAPI503


def make_client() -> TestClient:
    return TestClient(app)  # expect: FAPI503
