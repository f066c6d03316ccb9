"""DFT decks on disk: write the VASP / Quantum ESPRESSO input decks built by :mod:`lisse.atomistic.dft`,
and read the outputs back (VASP vasprun.xml or OUTCAR, QE pw.x output) through pymatgen / ASE.

Energies read back: VASP's sigma -> 0 extrapolated total energies (pymatgen ``Vasprun.final_energy``,
``e_0_energy``; ASE's OUTCAR ``energy(sigma->0)``) and QE's ``!    total energy``, which is the Mermin free
energy F = E - TS, not extrapolated (its ``smearing contrib. (-TS)`` is small with the Methfessel–Paxton smearing
of the decks; with Gaussian smearing, E - TS/2 is the sigma -> 0 estimate) — all in eV. Every file is written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import numpy as np

from lisse.atomistic.calculators import CalculatorInfo, PrecomputedCalculator
from lisse.atomistic.dft import (
    REQUIRED_ADHESION_JOBS,
    DFTSettings,
    adhesion_from_outputs,
    deck_files,
    deck_manifest,
    qe_deck,
    vasp_deck,
)
from lisse.errors import ParameterError, ReaderError
from lisse.io.outputs import atomic_write_text

__all__ = ["write_vasp_deck", "write_qe_deck", "write_decks", "read_output", "adhesion_from_files", "DFTFromFiles", "read_ml_result",
           "MAX_ML_RESULT_BYTES", "write_slab_reference_decks"]


#: Largest ML result file :func:`read_ml_result` reads [bytes]: a ``lisse wetting --json --full`` object with its
#: structures is a few MB; a hostile or wrong file must not fill the memory.
MAX_ML_RESULT_BYTES = 200_000_000


def read_ml_result(path: str | os.PathLike) -> dict:
    """Read an ML work-of-adhesion result (``lisse wetting Li X --json`` saved to a file) to start DFT decks from.

    Parameters
    ----------
    path : str or path-like
        The JSON file: one object, as ``lisse wetting Li X --json [--full]`` prints it.

    Returns
    -------
    dict
        The result, for :func:`lisse.atomistic.workflows.ml_construction` and ``adhesion_jobs(ml_result=...)``.

    Raises
    ------
    ReaderError
        A missing or unreadable file, one larger than :data:`MAX_ML_RESULT_BYTES`, not JSON, or JSON that is not one
        object (a screen's list of rows, say).
    """
    p = Path(path)
    if not p.is_file():
        found = "a folder" if p.is_dir() else "no such file"
        raise ReaderError(f"ML result '{p}': expected a JSON file from lisse wetting Li X --json; found {found}")
    size = p.stat().st_size
    if size > MAX_ML_RESULT_BYTES:
        raise ReaderError(f"ML result '{p}': expected a JSON object of at most {MAX_ML_RESULT_BYTES} bytes; found {size}")
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON, bad UTF-8, a 5000-digit integer
        raise ReaderError(f"ML result '{p}': expected JSON from lisse wetting Li X --json; found {type(exc).__name__}: "
                          f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc
    if not isinstance(d, dict):
        raise ReaderError(f"ML result '{p}': expected one object (lisse wetting Li X --json); found a JSON {type(d).__name__}"
                          + (" (a screen of several substrates: save one substrate's run)" if isinstance(d, list) else ""))
    from lisse.atomistic.workflows import ML_RESULT_KEYS

    if "screen" in d and "substrate" not in d:
        raise ReaderError(f"ML result '{p}': expected one substrate's run; found a screen of several (save the run of Li X alone, "
                          "or the 'result' of its row in 'screen')")
    missing = [k for k in ML_RESULT_KEYS if k not in d]
    if missing:
        raise ReaderError(f"ML result '{p}': expected a work-of-adhesion result (lisse wetting Li X --json) with "
                          f"{', '.join(ML_RESULT_KEYS)}; found no {', '.join(missing)}")
    return d


def _write_all(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        atomic_write_text(directory / rel, text)
    return directory


def write_vasp_deck(atoms, directory, task: str = "relax", settings: DFTSettings | None = None, fixed=()) -> Path:
    """Write INCAR, POSCAR, KPOINTS and POTCAR.spec (:func:`lisse.atomistic.dft.vasp_deck`) into ``directory``.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (positions and cell in Å, ASE's units).
    directory : str or os.PathLike
        Folder to write into (created).
    task : str, default "relax"
        The calculation (``"relax"``, ``"static"``, ...; see :mod:`lisse.atomistic.dft`).
    settings : DFTSettings, optional
        Cut-off energy [eV], k-point density, smearing, ... (default :class:`~lisse.atomistic.dft.DFTSettings()`).
    fixed : sequence of int, default ()
        Index of each atom held fixed.

    Returns
    -------
    pathlib.Path
        ``directory``.
    """
    return _write_all(Path(directory), vasp_deck(atoms, task, settings, fixed))


def write_qe_deck(atoms, directory, task: str = "relax", settings: DFTSettings | None = None, fixed=(), pseudo_dir: str = "./pseudo") -> Path:
    """Write ``pw.in`` (:func:`lisse.atomistic.dft.qe_deck`) into ``directory``.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (positions and cell in Å, ASE's units).
    directory : str or os.PathLike
        Folder to write into (created).
    task : str, default "relax"
        The calculation (``"relax"``, ``"static"``, ...; see :mod:`lisse.atomistic.dft`).
    settings : DFTSettings, optional
        Cut-off energy [eV], k-point density, smearing, ... (default :class:`~lisse.atomistic.dft.DFTSettings()`).
    fixed : sequence of int, default ()
        Index of each atom held fixed.
    pseudo_dir : str, default "./pseudo"
        ``pseudo_dir`` written into ``pw.in``.

    Returns
    -------
    pathlib.Path
        ``directory``.
    """
    return _write_all(Path(directory), qe_deck(atoms, task, settings, fixed, pseudo_dir))


def write_decks(jobs: list, root: str | os.PathLike, code: str = "vasp", settings: DFTSettings | None = None, meta: dict | None = None) -> Path:
    """Write one deck per job (``root/<job.name>/``) and ``root/manifest.json`` (job names, roles, areas, formula units).

    Parameters
    ----------
    jobs : list of Job
        The jobs (:func:`lisse.atomistic.workflows.adhesion_jobs`).
    root : str or os.PathLike
        Root folder.
    code : {"vasp", "qe", "both"}, default "vasp"
        Which code's decks to write.
    settings : DFTSettings, optional
        DFT settings (cut-off energy [eV], k-point density, ...).
    meta : dict, optional
        Extra facts for the manifest.

    Returns
    -------
    pathlib.Path
        ``root``.

    Raises
    ------
    OutputError
        A file cannot be written.
    """
    root = Path(root)
    import hashlib

    files = deck_files(jobs, code, settings)
    man = deck_manifest(jobs, code, settings, meta)
    for j in man["jobs"]:  # the as-built structures: a later stage checks that a restart has not overwritten them
        j["input_sha256"] = {rel: hashlib.sha256(text.encode("utf-8")).hexdigest() for rel, text in files.items()
                             if rel.startswith(j["name"] + "/") and rel.rsplit("/", 1)[-1] in ("POSCAR", "pw.in")}
    _write_all(root, files)
    atomic_write_text(root / "manifest.json", json.dumps(man, indent=1))
    return root


def _read_last_image(path: Path, fmt: str, what: str):
    """(energy eV, atoms, meta) of the last image of an ASE-readable output file."""
    from ase.io import read

    try:
        a = read(path, index=-1, format=fmt)
    except Exception as exc:  # ASE raises many types on truncated or foreign files
        raise ReaderError(f"{path}: not a readable {what} ({exc})") from exc
    if isinstance(a, list):  # read(index=-1) gives one Atoms; a list only for a slice
        a = a[-1]
    f = a.get_forces()
    return float(a.get_potential_energy()), a, {"file": str(path), "fmax": float(np.sqrt((f**2).sum(1)).max())}


def read_output(directory, name: str, code: str = "vasp"):
    """Read energy (eV), final structure and metadata of job ``name`` from ``directory/name``.

    VASP: ``vasprun.xml`` (pymatgen, e_0_energy) else ``OUTCAR`` (ASE, energy(sigma->0)).
    QE: the first of ``pw.out``, ``*.pwo``, ``*.out`` (ASE espresso-out, last image).

    Parameters
    ----------
    directory : str or os.PathLike
        Root folder of the jobs.
    name : str
        The job's name (its sub-folder).
    code : {"vasp", "qe"}, default "vasp"
        Which code's outputs to read.

    Returns
    -------
    energy : float
        Total energy [eV].
    atoms : ase.Atoms
        The final structure (Å).
    meta : dict
        ``file``, ``fmax`` [eV/Å] and, for vasprun.xml, ``converged`` and ``n_steps``.

    Raises
    ------
    ReaderError
        No output folder or file, or an unreadable one.
    ParameterError
        ``code`` is not ``"vasp"`` or ``"qe"``.
    """
    d = Path(directory) / name
    if not d.is_dir():
        raise ReaderError(f"no output folder for job '{name}': expected {d} (run the deck written there and put the outputs in it)")
    if (d / code).is_dir():  # decks written with code="both" live in <job>/vasp and <job>/qe
        d = d / code
    if code == "vasp":
        vr = d / "vasprun.xml"
        if vr.is_file():
            import warnings

            from pymatgen.io.ase import AseAtomsAdaptor
            from pymatgen.io.vasp import Vasprun

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    v = Vasprun(str(vr), parse_dos=False, parse_eigen=False, parse_potcar_file=False)
                except Exception as exc:  # pymatgen raises many types on truncated files
                    raise ReaderError(f"{vr}: not a readable vasprun.xml ({exc})") from exc
            forces = v.ionic_steps[-1].get("forces")  # none stored: fmax unknown (NaN), never 0.0
            fmax = float(np.sqrt((np.asarray(forces) ** 2).sum(1)).max()) if forces is not None else float("nan")
            return float(v.final_energy), AseAtomsAdaptor.get_atoms(v.final_structure), {
                "file": str(vr), "converged": bool(v.converged), "fmax": fmax, "n_steps": len(v.ionic_steps)}
        oc = d / "OUTCAR"
        if oc.is_file():
            return _read_last_image(oc, "vasp-out", "OUTCAR")
        raise ReaderError(f"job '{name}': neither vasprun.xml nor OUTCAR in {d}")
    if code == "qe":
        cands = [d / "pw.out", *sorted(d.glob("*.pwo")), *sorted(d.glob("*.out"))]
        for c in cands:
            if c.is_file():
                return _read_last_image(c, "espresso-out", "pw.x output")
        raise ReaderError(f"job '{name}': no pw.x output (pw.out, *.pwo, *.out) in {d}")
    raise ParameterError(f"code must be 'vasp' or 'qe'; got {code!r}")


def _read_manifest(root: Path) -> dict:
    """``root/manifest.json`` of a deck folder, or a ReaderError naming it."""
    mf = root / "manifest.json"
    if not mf.is_file():
        raise ReaderError(f"{mf} not found: write the decks with lisse first (it records job roles and areas)")
    try:
        man = json.loads(mf.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReaderError(f"{mf}: not a lisse deck manifest ({exc})") from exc
    if not isinstance(man, dict) or not isinstance(man.get("jobs"), list):
        raise ReaderError(f"{mf}: not a lisse deck manifest (expected an object with 'jobs'; found {type(man).__name__})")
    return man


def _deck_input(root: Path, name: str, code: str, job: dict | None = None):
    """The structure a deck was written with (POSCAR or pw.in), in the code's atom order; checked unchanged where recorded."""
    import hashlib

    from ase.io import read

    d = root / name
    if (d / code).is_dir():
        d = d / code
    path, fmt = (d / "POSCAR", "vasp") if code == "vasp" else (d / "pw.in", "espresso-in")
    rel = path.relative_to(root).as_posix()
    want = ((job or {}).get("input_sha256") or {}).get(rel)
    if want is not None and path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() != want:
        raise ReaderError(f"{path}: changed since lisse wrote it (a restart's CONTCAR copied over it?); the as-built structure "
                          "of the unrelaxed reference is the deck as written: restore it")
    try:
        return read(path, format=fmt)
    except Exception as exc:  # ASE raises many types on missing or foreign files
        raise ReaderError(f"{path}: expected the deck's input structure as lisse wrote it; found {type(exc).__name__}: {exc}") from exc


def write_slab_reference_decks(run: str | os.PathLike, out: str | os.PathLike, code: str = "vasp") -> list:
    """The second deck stage: single points for W_ad against the frozen and unrelaxed slab references.

    After the decks of :func:`write_decks` (:func:`lisse.atomistic.workflows.adhesion_jobs`) have run, the ideal work
    of separation needs the two parts of the relaxed interface as they are (``frozen``), and the ``unrelaxed``
    reference the slabs as built; both in the relaxed interface's cell, as ``lisse wetting --slab-references``
    computes them (:func:`lisse.atomistic.workflows.slab_reference_jobs`). The relaxed film and substrate are
    recomputed in that cell too (:func:`lisse.atomistic.workflows.common_cell_jobs`), so the three references share one
    grid. The decks use the run's own settings; ``manifest.json`` records the run and its interface energy, which
    :func:`adhesion_from_files` (``slab_references=out``) checks.

    Parameters
    ----------
    run : str or os.PathLike
        The first stage's folder (:func:`write_decks` of an adhesion workflow), with the outputs of ``film_strained``,
        ``substrate`` and ``interface``.
    out : str or os.PathLike
        New folder for the six single-point decks (:data:`lisse.atomistic.dft.SLAB_REFERENCE_JOBS`).
    code : {"vasp", "qe"}, default "vasp"
        Which code's outputs to read and decks to write (the run must have that code's decks).

    Returns
    -------
    list of Job
        The six single points written.

    Raises
    ------
    ReaderError
        No adhesion manifest, a missing or unreadable output or deck input, or VASP decks written before lisse recorded
        their atom order.
    ParameterError
        ``code`` is not one the run's decks were written for.

    References
    ----------
    M. W. Finnis, The theory of metal-ceramic interfaces, J. Phys.: Condens. Matter 8, 5811 (1996), doi:10.1088/0953-8984/8/32/003.
    """
    from lisse.atomistic.dft import in_job_order
    from lisse.atomistic.workflows import common_cell_jobs, slab_reference_jobs

    run = Path(run)
    man = _read_manifest(run)
    if code not in ("vasp", "qe") or man.get("code") not in (code, "both"):
        raise ParameterError(f"--code {code!r}: the decks in '{run}' were written for {man.get('code')!r}; read and write one of those")
    if (man.get("meta") or {}).get("workflow") not in (None, "adhesion"):  # library-written decks may carry no meta
        raise ReaderError(f"{run / 'manifest.json'}: expected the decks of a work of adhesion (lisse atomistic decks Li X); "
                          f"found workflow {(man.get('meta') or {}).get('workflow')!r}")
    jobs = {j["name"]: j for j in man["jobs"]}
    for need in REQUIRED_ADHESION_JOBS:
        if need not in jobs:
            raise ReaderError(f"{run / 'manifest.json'}: job '{need}' missing; found {sorted(jobs)}")
    n_sub = jobs["interface"].get("info", {}).get("n_substrate")
    if not isinstance(n_sub, int):
        raise ReaderError(f"{run / 'manifest.json'}: the interface does not record n_substrate (which atoms are the substrate's)")
    reader = DFTFromFiles(run, code)
    got = {}
    for name in REQUIRED_ADHESION_JOBS:
        e, atoms, meta = reader.read(name)
        placed = in_job_order(jobs[name], atoms, code)
        built = in_job_order(jobs[name], _deck_input(run, name, code, jobs[name]), code)
        if placed is None or built is None:
            raise ReaderError(f"{run / 'manifest.json'}: the VASP decks do not record their atom order (vasp_order; written by an "
                              "older lisse): which atoms are the film's is not known; write the decks again")
        got[name] = (e, placed, built, meta.get("file"))
    e_it, it, _, it_file = got["interface"]
    refs = (common_cell_jobs(got["film_strained"][1], got["substrate"][1], it, n_sub)
            + slab_reference_jobs(got["film_strained"][2], got["substrate"][2], it, n_sub))
    settings = _settings_of(man, run / "manifest.json")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ParameterError(f"slab-reference folder '{out}' exists and is not empty; lisse never overwrites run folders")
    meta = {"workflow": "slab_references", "run": str(run.resolve()), "interface_energy_eV": e_it, "interface_file": it_file,
            "n_substrate": n_sub, "area_A2": jobs["interface"]["info"]["area_A2"]}
    write_decks(refs, out, code, settings, meta=meta)
    return refs


def adhesion_from_files(root: str | os.PathLike, code: str = "vasp", li_surface_energy: float | None = None,
                        slab_references: str | os.PathLike | None = None) -> dict:
    """W_ad and Young–Dupré angle from the DFT outputs beside the decks of :func:`write_decks`.

    Reads ``root/manifest.json`` and every job's output (the jobs of
    :data:`lisse.atomistic.dft.REQUIRED_ADHESION_JOBS` must be there; optional jobs without output are
    skipped) and computes with :func:`lisse.atomistic.dft.adhesion_from_outputs`.

    Parameters
    ----------
    root : str or os.PathLike
        The folder :func:`write_decks` wrote (with ``manifest.json``).
    code : {"vasp", "qe"}, default "vasp"
        Which code's outputs to read.
    li_surface_energy : float, optional
        sigma_Li for Young-Dupré [J m-2] (default :data:`lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY`).
    slab_references : str or os.PathLike, optional
        The second stage's folder (:func:`write_slab_reference_decks`) with its six outputs: adds ``slab_references``,
        ``work_of_separation_J_m2`` and ``common_cell`` (:func:`lisse.atomistic.dft.slab_references_from_energies`).
        ``work_of_adhesion_J_m2`` stays the first stage's.

    Returns
    -------
    dict
        W_ad [J m-2], contact angle [deg] and the energies used (unit-suffixed keys); each job's force and convergence
        (``jobs``), ``all_relaxations_converged``, the interface's relaxed gap [Å], ``work_of_adhesion_valid`` and
        ``warnings``, judged as the workflows judge their own runs.

    Raises
    ------
    ReaderError
        No manifest, a required job missing or its output unreadable; slab-reference decks of another run, other
        settings, or an interface energy that has changed since they were written.

    References
    ----------
    Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nat. Commun. (2025).
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    root = Path(root)
    mf = root / "manifest.json"
    man = _read_manifest(root)
    names = [j["name"] for j in man.get("jobs", [])]
    for need in REQUIRED_ADHESION_JOBS:
        if need not in names:
            raise ReaderError(f"{mf}: job '{need}' missing; found {sorted(names)}")
    reader = DFTFromFiles(root, code)  # its read() adds the decks' own force criterion to each job's metadata
    outputs, meta = {}, {}
    for n in names:
        try:
            e, atoms, meta[n] = reader.read(n)
        except ReaderError:
            if n in REQUIRED_ADHESION_JOBS:
                raise
            continue
        outputs[n] = (e, atoms)
    res = adhesion_from_outputs(man, outputs, code, li_surface_energy, where=str(mf), job_meta=meta)
    res["files_root"] = str(root)
    if slab_references is not None:
        res.update(_slab_references_read(man, Path(slab_references), code, outputs["interface"][0], res))
    return res


def _settings_of(man: dict, where: Path) -> DFTSettings:
    """A manifest's DFT settings as :class:`DFTSettings` (a ReaderError naming the manifest when they are not)."""
    try:
        return DFTSettings(**man["settings"])
    except (KeyError, TypeError) as exc:
        raise ReaderError(f"{where}: expected the DFT settings lisse wrote; found {man.get('settings')!r}") from exc


def _slab_references_read(man: dict, refs: Path, code: str, e_interface: float, res: dict) -> dict:
    """The slab-reference rows from the second stage's outputs, checked to belong to this run."""
    from lisse.atomistic.dft import SLAB_REFERENCE_JOBS, slab_references_from_energies

    rm = _read_manifest(refs)
    meta = rm.get("meta") or {}
    where = refs / "manifest.json"
    if meta.get("workflow") != "slab_references":
        raise ReaderError(f"{where}: expected slab-reference decks (lisse atomistic decks --slab-references-from RUN); "
                          f"found workflow {meta.get('workflow')!r}")
    if asdict(_settings_of(rm, where)) != asdict(_settings_of(man, refs.parent)) or rm.get("code") not in (code, "both"):
        raise ReaderError(f"{where}: DFT settings differ from the run's ({rm.get('settings')} against {man.get('settings')}); "
                          "energies of other settings do not combine")
    # the run is recognised by its relaxed interface's energy, not by its path (a run folder may move between machines)
    e_rec, area = meta.get("interface_energy_eV"), meta.get("area_A2")
    if not isinstance(e_rec, (int, float)) or not abs(e_rec - e_interface) <= 1e-6:
        raise ReaderError(f"{where}: written for a relaxed interface of {e_rec} eV (run {meta.get('run')!r}); this run's is "
                          f"{e_interface} eV: decks of another run, or the interface was rerun since; write them again")
    if not isinstance(area, (int, float)) or not area > 0:
        raise ReaderError(f"{where}: expected the interface area area_A2 > 0 in its meta; found {area!r}")
    reader = DFTFromFiles(refs, code)
    energies = {n: reader.read(n)[0] for n in SLAB_REFERENCE_JOBS}
    out = slab_references_from_energies(energies, e_interface, float(area), res["work_of_adhesion_J_m2"])
    out["warnings"] = list(res.get("warnings", [])) + out["warnings"]
    out["slab_references_root"] = str(refs)
    return out


class DFTFromFiles(PrecomputedCalculator):
    """DFT results read back from files (VASP or Quantum ESPRESSO), one folder per job.

    Parameters
    ----------
    directory : path-like
        Root folder; job ``name`` is read from ``directory/name/`` (vasprun.xml, else OUTCAR, for VASP;
        ``pw.out`` or ``*.pwo``/``*.out`` for QE).
    code : {"vasp", "qe"}
    functional : str
        Recorded in provenance (e.g. ``"PBE"``, ``"PBE+D3"``).
    settings : dict, optional
        DFT settings recorded in provenance (cut-off energy [eV], ...).

    Raises
    ------
    ParameterError
        ``code`` is not ``"vasp"`` or ``"qe"``.
    """

    def __init__(self, directory, code: str = "vasp", functional: str = "PBE", settings: dict | None = None) -> None:
        if code not in ("vasp", "qe"):
            raise ParameterError(f"DFT code must be 'vasp' or 'qe'; got {code!r}")
        self.directory = str(directory)
        self.code = code
        self.info = CalculatorInfo("dft-files", f"{code}:{functional}", "user", "dft", 0.0, dict(settings or {}))

    def read(self, name: str):
        """Return ``(energy_eV, final_atoms, meta)`` for job ``name`` (raises if missing).

        Parameters
        ----------
        name : str
            The job's name.

        Returns
        -------
        tuple
            ``(energy [eV], final ase.Atoms, meta dict)``; ``meta["fmax_target_eV_A"]`` is the force criterion the decks
            were written with (the folder's ``manifest.json``, else ``settings["fmax_eV_A"]``; absent when neither says),
            on the force norm: pw.x's ``forc_conv_thr`` bounds each component, so its norm may reach sqrt(3) times it.

        Raises
        ------
        ReaderError
            The job's output is missing or unreadable.
        """
        import math

        e, atoms, meta = read_output(self.directory, name, self.code)
        target = self.info.settings.get("fmax_eV_A")
        mf = Path(self.directory) / "manifest.json"
        if mf.is_file():
            try:
                target = json.loads(mf.read_text(encoding="utf-8")).get("settings", {}).get("fmax_eV_A", target)
            except (OSError, ValueError, AttributeError):
                pass  # a foreign manifest: the job's own criterion judges
        if isinstance(target, (int, float)) and target > 0:
            meta["fmax_target_eV_A"] = float(target) * (math.sqrt(3.0) if self.code == "qe" else 1.0)
        return e, atoms, meta
