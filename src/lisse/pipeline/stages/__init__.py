"""Stage modules for ``lisse evaluate``; each registers itself with :func:`lisse.pipeline.registry.stage`."""
