from tests.conftest import login


def test_home_page_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Skip to main content" in response.get_data(as_text=True)


def test_login_and_dashboard(client, make_user):
    user = make_user()
    response = login(client, user)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
