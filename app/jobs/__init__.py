"""Scheduled work: short, idempotent jobs run by one scheduler process or `flask scheduler tick`."""
