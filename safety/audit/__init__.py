"""The append-only audit trail of security-relevant and state-changing actions."""
