"""lisse.pipeline."""
