"""lisse.cli."""
