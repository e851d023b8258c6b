"""Versioned pages: saving, renaming, reverting, merging and showing them."""
