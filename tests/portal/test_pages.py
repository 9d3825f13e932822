import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/privacy/", "/cookies/"])
def test_public_pages_are_served_to_visitors(visitor, path):
    response = visitor.get(path)
    assert response.status_code == 200
    assert b"Skip to main content" in response.content


def test_home_page_shows_a_councillor_their_wards(councillor):
    ward = councillor.user.councillor.wards.get()
    response = councillor.get("/")
    assert "Councillor" in response.text
    assert ward.name in response.text


def test_unknown_page_is_a_styled_404(visitor):
    response = visitor.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
