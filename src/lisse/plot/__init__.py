"""Plotting: functions that take results and return matplotlib Figures (matplotlib imported lazily)."""
