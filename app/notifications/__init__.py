"""E-mail: every message is written to the outbox in the sender's transaction and delivered
by `deliver_outbox()` (scheduler job or `flask outbox send`)."""
