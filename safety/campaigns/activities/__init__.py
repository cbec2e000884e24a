"""Activities schools report, with their evidence and the doubts about it."""
