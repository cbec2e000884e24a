"""The escalation ladder (school → district → city) and the offices' queue."""
