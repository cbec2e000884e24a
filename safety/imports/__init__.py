"""Bulk import and export of schools, classes and points, as a district office keeps them in Excel.

`reader` turns uploaded bytes (CSV in UTF-8 or GBK, or XLSX) into a header and rows; `specs` holds the
columns of each kind as data; `services` validates every row, then upserts through the domain services, and
writes exports; `api` and `cli` are the two ways in.
"""
