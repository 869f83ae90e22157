import pytest

from apps.ledger.services import account_get_or_create


@pytest.fixture
def accounts(db):
    def make(kind, *, normal="credit", may_go_negative=False, currency="CNY", book="main"):
        return account_get_or_create(
            owner_type="test",
            owner_id=1,
            kind=kind,
            currency=currency,
            normal=normal,
            may_go_negative=may_go_negative,
            book=book,
        )

    return make
