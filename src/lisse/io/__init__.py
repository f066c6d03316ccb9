"""lisse.io."""
