"""Hazards: opened by failed items or reports, rectified with evidence, verified by someone else, closed."""
