"""Catalog file formats: a module per format, and `loader` choosing one by extension.

Loading validates everything first, so a bad file is rejected whole with an error naming
the line and field.
"""
