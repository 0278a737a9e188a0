import pytest

from app.audit.services import record
from app.extensions import db


@pytest.fixture
def make_events(app):
    """Append `n` events through record() and commit; returns their ids in chain order."""

    def make(n: int, action: str = "test.event", organization_id: int | None = None) -> list[int]:
        with app.app_context():
            # The page shows a sentence for each event and its recorded details: the marker (the
            # made-up action) is how the tests find the row.
            events = [record(f"{action}.{i}", organization_id=organization_id,
                             data={"n": i, "note": "é ✓", "marker": f"{action}.{i}"})
                      for i in range(1, n + 1)]
            db.session.commit()
            return [e.id for e in events]

    return make
