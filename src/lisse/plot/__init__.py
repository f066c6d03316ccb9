"""lisse.plot."""
