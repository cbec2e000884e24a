"""The scheduler: one process running idempotent, set-based jobs, each under a database lease."""
