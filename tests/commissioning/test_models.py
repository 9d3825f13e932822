from datetime import date

import pytest
from django.db import IntegrityError

from tests.commissioning.factories import ContractFactory


@pytest.mark.django_db
def test_a_contract_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        ContractFactory(starts_on=date(2027, 4, 1), ends_on=date(2027, 3, 31))
