"""Chat moderation: normalisation, rules, escalation policy and the audit log."""
