"""Backups of the database and the stored files (`flask backup create|restore DIR`)."""
