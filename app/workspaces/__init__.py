"""Each role's workspace: the dashboard after sign-in, built from sections that each role's
domain contributes (agency staff, vendors, participating agencies and registrars)."""
