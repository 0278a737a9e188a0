"""The append-only, hash-chained audit trail (`flask audit verify`)."""
