"""lisse.analysis."""
