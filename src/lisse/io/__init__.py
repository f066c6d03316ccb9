"""Reading and writing files: cycler and impedance readers, outputs, checkpoints, progress.

The entry points are importable from here (loaded on first use, so ``import lisse.io`` stays cheap):

* :func:`read_cycling` — any supported cycler file to one SI :class:`~lisse.records.CyclingRecord`
  (the format is detected from the content); the per-vendor readers (:func:`read_biologic`,
  :func:`read_neware`, :func:`read_arbin`, :func:`read_land`, :func:`read_maccor`, :func:`read_csv_generic`)
  for when the format is known.
* :func:`read_spectra` / :func:`read_spectrum` — impedance files to :class:`~lisse.records.EISSpectrum`;
  :func:`spectra_from_arrays` for arrays already in memory.
* :func:`read_temperature_table` — the ``file,T`` table of a temperature series.
* :func:`write_decks` / :func:`adhesion_from_files` — DFT input decks and the work of adhesion from their outputs.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.io.arbin import read_arbin
    from lisse.io.biologic import read_biologic
    from lisse.io.csv_generic import read_csv_generic
    from lisse.io.dft_decks import adhesion_from_files, write_decks
    from lisse.io.eis import read_spectra, read_spectrum, spectra_from_arrays
    from lisse.io.land import read_land
    from lisse.io.maccor import read_maccor
    from lisse.io.neware import read_neware
    from lisse.io.readers import read_cycling
    from lisse.io.temperature_table import read_temperature_table

__all__ = [
    "read_cycling",
    "read_arbin",
    "read_biologic",
    "read_csv_generic",
    "read_land",
    "read_maccor",
    "read_neware",
    "read_spectra",
    "read_spectrum",
    "spectra_from_arrays",
    "read_temperature_table",
    "write_decks",
    "adhesion_from_files",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "read_cycling": "readers",
        "read_arbin": "arbin",
        "read_biologic": "biologic",
        "read_csv_generic": "csv_generic",
        "read_land": "land",
        "read_maccor": "maccor",
        "read_neware": "neware",
        "read_spectra": "eis",
        "read_spectrum": "eis",
        "spectra_from_arrays": "eis",
        "read_temperature_table": "temperature_table",
        "write_decks": "dft_decks",
        "adhesion_from_files": "dft_decks",
    },
    submodules=("arbin", "atomistic_cache", "biologic", "column_units", "csv_generic", "dft_decks", "eis", "formats", "land",
                "maccor", "neware", "outputs", "phasefield", "progress", "readers", "temperature_table"),
)
