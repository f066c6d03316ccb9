"""lisse.cell."""
