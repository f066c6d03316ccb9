"""lisse.thermo."""
