"""Photo evidence: validation, derived copies, storage."""
