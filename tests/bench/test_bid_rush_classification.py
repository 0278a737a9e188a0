"""bench/bid_rush.py counts a submission as refused only when the server refused it for the
deadline; any other answer (a 500, another refusal, no answer) fails the run."""
from __future__ import annotations

NUMBER = "BR1-IFB-2026-001"
FORM = f"http://127.0.0.1:8071/solicitations/{NUMBER}/bid"
LATE_PAGE = ("<div class='alert'>Bids for BR1-IFB-2026-001 closed at December 3, 2026 at 9:00 AM EST. "
             "Late bids are not accepted; nothing was saved or submitted.</div>")


class FakeResponse:
    def __init__(self, status_code: int, location: str = "", text: str = ""):
        self.status_code, self.headers, self.text = status_code, {"Location": location} if location else {}, text


class FakeSession:
    """Answers the submission POST with `post`, and the bid form GET (after a redirect) with `page`."""

    def __init__(self, post: FakeResponse, page: str = ""):
        self.answer, self.page = post, page

    def post(self, *args, **kwargs):
        return self.answer

    def get(self, *args, **kwargs):
        return FakeResponse(200, text=self.page)


def _submit(rush, post: FakeResponse, page: str = ""):
    vendor = rush.Vendor(1, 1, "v@bench.example", session=FakeSession(post, page), prices={1: "1.00"}, pdf=b"%PDF")
    rush.submit("http://127.0.0.1:8071", NUMBER, [1], vendor)
    return vendor


def test_a_500_answer_fails_the_run(rush):
    vendor = _submit(rush, FakeResponse(500, text="Something went wrong"))
    assert vendor.outcome == rush.FAILED and vendor.receipt is None
    assert rush.classify(500, "", "", "", NUMBER) == rush.FAILED
    assert rush.exit_status(lost=0, failed=1) == 1


def test_only_a_refusal_for_the_deadline_counts_as_refused(rush):
    late = _submit(rush, FakeResponse(302, FORM), LATE_PAGE)
    assert late.outcome == rush.REFUSED_LATE
    # Back to the form for another reason (the bid could not be submitted): a failure.
    other = _submit(rush, FakeResponse(302, FORM), "The bid cannot be submitted yet: enter a price.")
    assert other.outcome == rush.FAILED
    for status, location in ((400, ""), (403, ""), (404, ""), (422, ""), (429, ""), (200, ""),
                             (302, "http://127.0.0.1:8071/accounts/login")):
        assert rush.classify(status, location, "", LATE_PAGE, NUMBER) == rush.FAILED, status
    assert rush.classify(None, "", "ConnectionError()", "", NUMBER) == rush.FAILED
    assert rush.exit_status(lost=0, failed=0) == 0


def test_a_receipt_is_a_receipt(rush):
    vendor = _submit(rush, FakeResponse(302, f"http://127.0.0.1:8071/bids/receipts/{NUMBER}-ABCD-EFGH"))
    assert vendor.outcome == rush.RECEIPT and vendor.receipt == f"{NUMBER}-ABCD-EFGH"
