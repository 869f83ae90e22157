import pytest

from tests.factories.ledger import AccountFactory


@pytest.fixture
def accounts(db):
    """accounts("cash", normal="debit") → the test owner's account of that kind."""

    def make(kind, **fields):
        return AccountFactory(kind=kind, **fields)

    return make
