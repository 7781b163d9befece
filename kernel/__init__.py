"""The kernel below every package: database, shared tables, unit of work, money, clock,
outbox. It imports nothing of ours."""
