"""lisse.data."""
