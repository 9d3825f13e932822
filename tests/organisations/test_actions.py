import pytest

from organisations import actions
from organisations.models import Councillor, Ward
from tests.factories import UserFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_importing_wards_twice_changes_nothing():
    assert actions.import_wards() == 69
    first = list(Ward.objects.values_list("pk", "gss_code", "name", "slug"))
    actions.import_wards()
    assert list(Ward.objects.values_list("pk", "gss_code", "name", "slug")) == first


def test_a_renamed_ward_keeps_its_identity(tmp_path):
    ward = WardFactory(gss_code="E05011151", name="Old Name", slug="old-name")
    csv = tmp_path / "wards.csv"
    csv.write_text("gss_code,name\nE05011151,Ladywood\n", encoding="utf-8")
    actions.import_wards(path=csv)
    ward.refresh_from_db()
    assert (ward.name, ward.slug) == ("Ladywood", "ladywood")


def test_linking_a_councillor_replaces_their_wards():
    user = UserFactory()
    first, second = WardFactory(), WardFactory()
    actions.link_councillor(user=user, wards=[first])
    councillor = actions.link_councillor(user=user, wards=[second])
    assert Councillor.objects.count() == 1
    assert list(councillor.wards.all()) == [second]
    assert councillor.full_name == user.full_name
