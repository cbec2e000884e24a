"""Users, role assignments, bearer tokens, and the one answer to "which schools may this actor see"."""
