"""The .ics file links to the solicitation at the site's configured address (PUBLIC_BASE_URL),
never at whatever Host header the request carried: a calendar file is saved and shared, and a
forged Host would plant another site's link in it."""
from __future__ import annotations

from app.solicitations.models import SolicitationStatus as S


def _unfolded(body: bytes) -> str:
    return body.decode().replace("\r\n ", "")  # iCalendar folds long lines at 75 octets


def test_the_calendar_links_to_the_public_base_url_whatever_the_host_header(app, client, make_solicitation):
    info = make_solicitation(S.PUBLISHED)
    expected = f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/solicitations/{info.number}"
    for host in ("evil.example", "attacker.example:8443"):
        response = client.get(f"/solicitations/{info.number}/calendar.ics", headers={"Host": host})
        assert response.status_code == 200
        text = _unfolded(response.data)
        assert f"URL:{expected}" in text and f"Details and documents: {expected}" in text
        assert host.split(":")[0] not in text


def test_a_forwarded_host_does_not_change_the_link_either(app, client, make_solicitation):
    info = make_solicitation(S.PUBLISHED)
    response = client.get(f"/solicitations/{info.number}/calendar.ics",
                          headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    text = _unfolded(response.data)
    assert "evil.example" not in text
    assert f"URL:{app.config['PUBLIC_BASE_URL'].rstrip('/')}/solicitations/{info.number}" in text
