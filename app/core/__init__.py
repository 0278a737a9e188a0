"""Shared building blocks: database base, clock, roles, permissions, signals."""
