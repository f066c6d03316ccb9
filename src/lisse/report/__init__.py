"""lisse.report."""
