"""Inspection points: the things a QR label is stuck on, with their codes, tokens and schedules."""
