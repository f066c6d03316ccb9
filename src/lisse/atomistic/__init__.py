"""lisse.atomistic."""
