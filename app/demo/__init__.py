"""Demo data for evaluation and development (`flask demo seed`)."""
