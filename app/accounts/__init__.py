"""Organizations (agency | vendor), users, memberships and roles, sign-in and invitations."""
