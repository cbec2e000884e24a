"""Inspections submitted from phones: exactly once per client_uuid, validated against the template version."""
