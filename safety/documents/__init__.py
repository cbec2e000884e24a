"""Printed documents (A4, Chinese): a page composer and a PDF writer shared by every domain that prints."""
