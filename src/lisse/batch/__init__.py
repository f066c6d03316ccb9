"""Batch analysis of a lab's files into the results database (pipeline layer).

``run_batch(paths, db=..., out=..., settings=BatchSettings(...), jobs=N)`` expands folders and globs,
hashes every file, skips those unchanged since a previous batch with the same settings, analyses the
rest through :func:`lisse.parallel.iter_tasks` (here, local processes or a Dask cluster) and writes
each file's results to the SQLite results database (:mod:`lisse.io.resultsdb`) in one transaction as
it completes. A file that cannot be read or analysed becomes an error row; the batch goes on.
The CLI is ``lisse batch cycling|eis|auto``; ``lisse db`` lists, queries and exports the database.
"""

from lisse.batch.run import DEFAULT_DB_NAME, BatchResult, expand_paths, file_sha256, run_batch
from lisse.batch.tasks import ANALYSES, BatchSettings, analyse_file

__all__ = ["ANALYSES", "DEFAULT_DB_NAME", "BatchResult", "BatchSettings", "analyse_file", "expand_paths", "file_sha256",
           "run_batch"]
