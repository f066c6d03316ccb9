"""Allen–Cahn phase-field simulator of Li growth into porous layers (see :mod:`.model`)."""
