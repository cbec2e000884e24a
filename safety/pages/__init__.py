"""Server-rendered pages: what a phone camera opens, and later the principal's and office's desks."""
