"""Checklist templates: ordered items in immutable versions, and the defaults shipped for every category."""
