"""The organisation: regions in a tree (city → district), schools, and their classes."""
