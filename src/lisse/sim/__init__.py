"""lisse.sim."""
