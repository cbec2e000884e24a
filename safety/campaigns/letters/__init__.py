"""Parent letters and their receipts (online per child, on paper per class)."""
