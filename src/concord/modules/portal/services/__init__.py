"""Portal writes: invitations, accepting them, revoking access."""
