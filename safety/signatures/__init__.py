"""Handwritten signatures captured on a canvas (inspector, countersigner, receiver of a notice)."""
