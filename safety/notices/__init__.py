"""整改通知书: numbered rectification notices, their receipts (回执) and rectification reports (整改回复)."""
