"""Scheduler jobs of this domain (see safety/scheduler)."""
