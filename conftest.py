import pytest

from dangjian.core.testing import DEFAULT_PASSWORD, small_tree


@pytest.fixture
def tree(db):
    return small_tree()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` and returns it."""

    def _login(user):
        assert client.login(username=user.username, password=DEFAULT_PASSWORD)
        return client

    return _login
