"""The notice of intent reaches every bidder through the outbox; the protest period comes from the
state's rules where bid_rules/ sets one, otherwise the agency's setting (default 10 days); the
protester hears the decision."""
from __future__ import annotations

from datetime import timedelta

from app.core import clock
from app.extensions import db
from tests.conftest import login
from tests.evaluation.test_award_path import _intent, _score_and_close, _vendor_user
from tests.evaluation.test_committee_and_scores import _ctx, _run, _start


def _queued(app, kind: str) -> list[tuple[str, str]]:
    from app.notifications.models import OutboxMessage

    with app.app_context():
        return sorted((m.to_address, m.subject) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind)))


def _emails(app, rfp, *vendors: str) -> list[str]:
    from app.accounts.models import User

    with app.app_context():
        return sorted(db.session.get(User, _vendor_user(app, rfp, v)).email for v in vendors)


def _recommendation(app, rfp):
    from app.awards.models import AwardRecommendation

    with app.app_context():
        r = db.session.scalar(db.select(AwardRecommendation).where(AwardRecommendation.solicitation_id == rfp.id))
        return r.intent_issued_at, r.protest_ends_at, r.protest_days, r.protest_days_source


def test_intent_is_mailed_to_every_bidder_and_the_decision_to_the_protester(app, opened_rfp):
    from app.awards import services as awards

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    with clock.preserved():
        clock.freeze(clock.now())
        _intent(app, opened_rfp)
        everyone = _emails(app, opened_rfp, "Alpha Supply", "Bravo Office", "Charlie Paper")
        assert _queued(app, "intent_to_award") == [(e, f"Notice of intent to award: {opened_rfp.number}")
                                                   for e in everyone]
        issued, ends, days, source = _recommendation(app, opened_rfp)
        assert days == 10 and ends - issued == timedelta(days=10) and "protest period setting" in source

        alpha = _vendor_user(app, opened_rfp, "Alpha Supply")
        protest_id = _run(app, lambda: awards.file_protest(*_ctx(app, alpha, opened_rfp.id), "Misread.").id)

        def deny():
            from app.awards.models import Protest

            officer, _ = _ctx(app, opened_rfp.agency.officer.id, opened_rfp.id)
            awards.decide_protest(officer, db.session.get(Protest, protest_id), upheld=False, decision="Read right.")
        _run(app, deny)
        assert _queued(app, "protest_decided") == [
            (_emails(app, opened_rfp, "Alpha Supply")[0], f"Your protest on {opened_rfp.number} was denied")]


def test_the_agency_setting_sets_the_period_where_the_state_has_no_rule(app, client, opened_rfp):
    from app.accounts.models import Organization

    login(client, opened_rfp.agency.admin)
    page = client.get("/accounts/organization").get_data(as_text=True)
    assert "Protest period (calendar days)" in page
    with app.app_context():
        org = db.session.get(Organization, opened_rfp.agency.id)
        fields = {"name": org.name, "agency_type": org.agency_type.value, "state": org.state,
                  "timezone": org.timezone, "short_code": org.short_code or ""}
    refused = client.submit("/accounts/organization", {**fields, "protest_period_days": "0"})
    assert refused.status_code == 200 and "Enter a number of days from 1 to 60." in refused.get_data(as_text=True)
    assert client.submit("/accounts/organization", {**fields, "protest_period_days": "7"}).status_code == 302

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    with clock.preserved():
        clock.freeze(clock.now())
        _intent(app, opened_rfp)
        issued, ends, days, source = _recommendation(app, opened_rfp)
    assert days == 7 and ends - issued == timedelta(days=7)
    assert source == f"{fields['name']}'s protest period setting"


def test_a_state_rule_overrides_the_agency_setting(app, opened_rfp, monkeypatch, tmp_path):
    """A copy of bid_rules/ whose lead-agency state sets protest_days: the intent uses it."""
    import shutil

    import yaml

    from app.accounts.models import Organization
    from app.compliance.rulebook import DEFAULT_RULES_DIR

    with app.app_context():
        state = db.session.get(Organization, opened_rfp.agency.id).state
    copy = tmp_path / "bid_rules"
    shutil.copytree(DEFAULT_RULES_DIR, copy)
    state_file = copy / "states" / f"{state}.yaml"
    data = yaml.safe_load(state_file.read_text(encoding="utf-8"))
    data["rules"].append({
        "id": f"{state}.opening_award.test_protest", "kind": "opening_award",
        "params": {"protest_days": 5},
        "citation": "Test Code § 1-2", "source": "https://example.org/statute", "as_of": "2026-01-01"})
    # Ahead of the file's own opening_award rules, which set no protest period.
    data["rules"].insert(0, data["rules"].pop())
    state_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.setitem(app.config, "BID_RULES_DIR", str(copy))

    _start(app, opened_rfp)
    _score_and_close(app, opened_rfp)
    with clock.preserved():
        clock.freeze(clock.now())
        _intent(app, opened_rfp)
        issued, ends, days, source = _recommendation(app, opened_rfp)
    assert days == 5 and ends - issued == timedelta(days=5) and source.startswith("Test Code § 1-2")
