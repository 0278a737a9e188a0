"""Sealed bids: drafts, submission before the deadline, receipts, the public opening,
responsiveness and tabulation."""
