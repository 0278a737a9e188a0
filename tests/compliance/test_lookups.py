"""The lookups the lifecycle and the award path use: notice_rule_for and protest_period_for."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.accounts.models import AgencyType
from app.compliance.rules import notice_rule_for, protest_period_for


@pytest.mark.parametrize(("state", "agency_type", "min_days", "counting"), [
    ("NC", AgencyType.SCHOOL_DISTRICT, 7, "full_days_between"),
    ("NC", AgencyType.COUNTY, 7, "full_days_between"),
    ("TX", AgencyType.SCHOOL_DISTRICT, 14, "calendar_days"),
    ("TX", AgencyType.MUNICIPALITY, 14, "calendar_days"),
    ("VA", AgencyType.SCHOOL_DISTRICT, None, "calendar_days"),  # not retrieved: not enforced
    ("NY", AgencyType.COUNTY, 5, "calendar_days"),
    ("UT", AgencyType.SCHOOL_DISTRICT, None, "calendar_days"),  # may be shortened by a written statement
    ("AZ", AgencyType.SCHOOL_DISTRICT, None, "calendar_days"),  # shorter if the district documents reasons
])
def test_notice_rule_for(state, agency_type, min_days, counting):
    rule = notice_rule_for(state, agency_type)
    assert rule is not None and rule.min_days == min_days and rule.counting == counting
    assert rule.citation and rule.source.startswith("http")


@pytest.mark.parametrize(("state", "agency_type"), [
    ("KS", AgencyType.SCHOOL_DISTRICT),   # no rule file
    ("OK", AgencyType.SCHOOL_DISTRICT),   # goods notice is board policy (21 days is for construction)
    (None, AgencyType.COUNTY),
    ("MN", AgencyType.COUNTY),            # only the school-board notice is on file
    ("NC", AgencyType.STATE_AGENCY),
    ("GA", AgencyType.COUNTY),            # 28 days is for public works; goods are local policy
])
def test_notice_rule_for_knows_nothing(state, agency_type):
    rule = notice_rule_for(state, agency_type)
    assert rule is None or rule.min_days is None


def test_protest_period_is_the_agency_setting_where_no_state_rule_is_on_file():
    oregon = SimpleNamespace(state="OR", agency_type=AgencyType.COUNTY, protest_period_days=10, name="Lane County")
    # ORS 279B.135's 7 days are a notice of intent before the award, not a protest window: the
    # agency's own period stands.
    period = protest_period_for(oregon)
    assert period.days == 10 and period.source == "Lane County's protest period setting"
    virginia = SimpleNamespace(state="VA", agency_type=AgencyType.SCHOOL_DISTRICT, protest_period_days=12,
                               name="Ashford County Public Schools")
    assert protest_period_for(virginia).days == 12
    assert protest_period_for(virginia).source == "Ashford County Public Schools's protest period setting"
