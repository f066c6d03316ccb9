"""Atomic file writes and output folders that never lose data.

* :func:`atomic_write_bytes` / :func:`atomic_write_text`: write to a temporary file in the target
  folder, then ``os.replace``; an interrupted run leaves the old file or the new one, never half of one.
  New files get the permissions the umask allows (like ``open``), not ``tempfile``'s 0600.
* :func:`output_folder`: a run writes into a temporary sibling folder that is swapped in as the output
  folder at the end, so the folder holds exactly one run's outputs. The folder must be new, empty or
  made by lisse (recognised by the marker file :data:`MARKER`); anything else is refused unless
  ``overwrite``. An exclusive lock on the folder refuses a second concurrent run.
* :func:`claim_output_folder`: a folder a command writes into in place. With ``overwrite`` it may hold
  the user's files, which lisse writes beside and never replaces: a write to one of them is refused
  (:class:`~lisse.errors.OutputError`), and a command that names its outputs is refused before it runs.

A write the system refuses (permission denied, read-only file system, disk full, a folder where the
file should go) raises :class:`~lisse.errors.OutputError` naming the target path.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from lisse.errors import OutputError, ParameterError

__all__ = ["atomic_write_bytes", "atomic_write_text", "save_figure", "render_figure", "atomic_save_figure", "FIGURE_DPI", "output_folder", "output_folder_state",
           "claim_output_folder", "mark_output_files", "refuse_foreign_file", "MARKER"]

#: Resolution of every raster figure lisse writes [dots per inch].
FIGURE_DPI = 200

#: Marker file lisse writes into every output folder it makes (JSON: lisse version, run id, files).
MARKER = ".lisse-output.json"
_LEGACY_ENTRIES = {"results.json", "report.html", "study.toml", "tables", "figures"}

#: Files found in folders claimed with ``overwrite`` (:func:`claim_output_folder`) that lisse did not write: this process
#: never replaces them (:func:`refuse_foreign_file`; every atomic write checks it). Each claim of a folder replaces its
#: entries, and a file lisse marks as its own (:func:`mark_output_files`) leaves the set. Entries are the folder resolved
#: and the name as it is, so a user's symlink named like an output is the user's entry, not its target's.
_FOREIGN_FILES: set[Path] = set()


def _entry(path: str | os.PathLike) -> Path:
    p = Path(path)
    return p.parent.resolve() / p.name


def refuse_foreign_file(path: str | os.PathLike) -> None:
    """Refuse to replace a user's file found in a folder claimed with ``overwrite`` (:func:`claim_output_folder`).

    Parameters
    ----------
    path : str or os.PathLike
        A file about to be written.

    Raises
    ------
    OutputError
        ``path`` is such a file and still exists.
    """
    target = _entry(path)
    if target in _FOREIGN_FILES and (target.exists() or target.is_symlink()):
        raise OutputError(f"cannot write '{path}': a file of that name in the output folder was not written by lisse (or "
                          "changed since it wrote it), and lisse never replaces a user's file; expected no such file (move it, "
                          "or choose another folder)", Path(path))


def _file_mode() -> int:
    """Permission bits of a new file under the current umask (0666 & ~umask).

    Read from ``/proc/self/status`` where it exists: setting the umask to read it would open a window
    in which files other threads create are world-writable.
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (creates parent folders).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (replaced as a whole; a reader never sees a partial file).
    data : bytes
        The content.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        The folder cannot be created or the file cannot be written (the message names ``path``).
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write '{path}': it is a folder; expected a file path", path)
    refuse_foreign_file(path)
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        # os.replace would swap a device, pipe or socket (e.g. /dev/full as root) for a regular file
        raise OutputError(f"cannot write '{path}': it is a device, pipe or socket; expected a regular file path", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        blocker = next((a for a in path.parents if a.exists() and not a.is_dir()), None)
        if blocker is not None:
            raise OutputError(f"cannot write '{path}': '{blocker}' is a file, not a folder", path, exc.errno) from exc
        raise OutputError.from_oserror(exc, path) from exc
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError.from_oserror(exc, path) from exc
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    text : str
        The content.
    encoding : str, default "utf-8"
        Text encoding.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        The folder cannot be created or the file cannot be written.
    """
    return atomic_write_bytes(path, text.encode(encoding))


def _agg_canvas(fig):
    """Give a bare :class:`~matplotlib.figure.Figure` (made without pyplot) the Agg canvas; leave any other canvas."""
    from matplotlib.backend_bases import FigureCanvasBase

    if type(fig.canvas) is FigureCanvasBase:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas


def render_figure(fig, formats=("png",), *, dpi: float = FIGURE_DPI, **kwargs) -> dict[str, bytes]:
    """Render a figure to bytes in one or more formats, laying it out once.

    A lisse figure uses constrained layout, which is the costly part of saving; it runs for the first
    format only and the positions it found are reused for the others (the figure's layout engine is
    restored afterwards). No global matplotlib state changes: the Agg canvas is attached to a bare
    figure (no backend switch), and the SVG settings (text kept as text, stable ids) apply only
    during the call.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (a lisse figure or any other).
    formats : sequence of str
        Formats matplotlib can write (``"png"``, ``"svg"``, ``"pdf"``, ...).
    dpi : float
        Resolution of raster output [dots per inch] (default :data:`FIGURE_DPI`).
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.savefig`.

    Returns
    -------
    dict of str to bytes
        The encoded figure per format.

    Raises
    ------
    ParameterError
        A format matplotlib cannot write.
    """
    import io

    import matplotlib

    canvas = _agg_canvas(fig)
    supported = canvas.get_supported_filetypes()
    for fmt in formats:
        if fmt not in supported:
            raise ParameterError(f"figure format: expected one of {', '.join(sorted(supported))}; found '{fmt}'")
    engine = fig.get_layout_engine()
    out: dict[str, bytes] = {}
    try:
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lisse"}):
            if engine is not None and isinstance(dpi, (int, float)):
                # ``savefig`` with a layout engine lays the figure out twice (in a dry draw, then in the
                # real one), for every format. Run the engine once, at the output resolution (text
                # extents depend on it), and detach it: the positions stay, each format is drawn once,
                # with the very pixels of an ordinary savefig.
                old_dpi = fig.get_dpi()
                fig.set_dpi(dpi)
                try:
                    engine.execute(fig)
                finally:
                    fig.set_dpi(old_dpi)
                fig.set_layout_engine(None)
            for k, fmt in enumerate(formats):
                buf = io.BytesIO()
                fig.savefig(buf, format=fmt, dpi=dpi, **kwargs)
                out[fmt] = buf.getvalue()
                if k == 0 and fig.get_layout_engine() is not None and len(formats) > 1:
                    fig.set_layout_engine("none")  # keep the positions just found
    finally:
        if engine is not None and fig.get_layout_engine() is not engine:
            fig.set_layout_engine(engine)
    return out


def save_figure(fig, path: str | os.PathLike, *, dpi: float = FIGURE_DPI, svg: bool = False, **kwargs) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix of ``path`` (PNG when none).

    The one figure-saving helper of lisse (CLI, pipeline, reports): 200 dpi PNG by default, rendered
    through the Agg canvas, laid out once (see :func:`render_figure`).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure (a lisse figure or any other).
    path : str or os.PathLike
        Target file; its suffix names the format.
    dpi : float
        Resolution of raster output [dots per inch].
    svg : bool
        Also write an SVG copy next to it (``path`` with the suffix ``.svg``).
    **kwargs
        Passed to :meth:`matplotlib.figure.Figure.savefig`.

    Returns
    -------
    pathlib.Path
        ``path`` (the SVG copy, when asked for, is ``path.with_suffix(".svg")``).

    Raises
    ------
    ParameterError
        The suffix of ``path`` names no image format matplotlib can write.
    OutputError
        The file cannot be written.
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    supported = _agg_canvas(fig).get_supported_filetypes()
    if fmt not in supported:
        raise ParameterError(f"figure file '{path}': expected a suffix naming an image format ({', '.join(sorted(supported))}); "
                             f"found '.{fmt}'")
    formats = [fmt] + (["svg"] if svg and fmt != "svg" else [])
    data = render_figure(fig, formats, dpi=dpi, **kwargs)
    atomic_write_bytes(path, data[fmt])
    if len(formats) > 1:
        atomic_write_bytes(path.with_suffix(".svg"), data["svg"])
    return path


def atomic_save_figure(fig, path: str | os.PathLike, **kwargs) -> Path:
    """Save a matplotlib figure atomically (the former name of :func:`save_figure`, same behaviour).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or os.PathLike
        The image file; its suffix selects the format (``.png``, ``.svg``, ...).
    **kwargs
        Passed to :func:`save_figure` (``dpi`` in dots per inch, ``svg``, savefig options).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ParameterError
        The suffix of ``path`` names no image format matplotlib can write.
    OutputError
        The file cannot be written.
    """
    return save_figure(fig, path, **kwargs)


def _read_marker(folder: Path) -> dict | None:
    """The folder's :data:`MARKER` as a dict, or None when there is none or it is not lisse's."""
    try:
        info = json.loads((folder / MARKER).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(info, dict) and info.get("lisse_output") == 1 and isinstance(info.get("files"), list):
        return info
    return None


def _lisse_files(folder: Path) -> set[str] | None:
    """Relative paths lisse wrote into ``folder`` (from its marker), or None when lisse did not make it.

    A file whose SHA-256 the marker records and whose bytes no longer match was changed since lisse wrote it: it is the
    user's now and is not listed.
    """
    marker = folder / MARKER
    if marker.is_file():
        info = _read_marker(folder)
        if info is None:
            return None
        files = {str(f) for f in info["files"]}
        digests = info.get("sha256")
        if isinstance(digests, dict):  # a file the user edited since lisse wrote it is the user's now
            files = {f for f in files if f not in digests or _sha256(folder / f) == digests[f]}
        return files | {MARKER}
    # a report folder of lisse 0.1 (before the marker): only its own entries, and its results.json
    names = {p.name for p in folder.iterdir()}
    if "results.json" not in names or not names <= _LEGACY_ENTRIES:
        return None
    try:
        prov = json.loads((folder / "results.json").read_text("utf-8")).get("provenance", {})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None
    if not isinstance(prov, dict) or "lisse_version" not in prov:
        return None
    files = {n for n in names if n in ("results.json", "report.html", "study.toml")}
    for sub, exts in (("tables", (".csv",)), ("figures", (".png", ".svg"))):
        d = folder / sub
        if d.is_dir():
            for f in d.iterdir():
                if not (f.is_file() and f.suffix in exts):
                    return None
                files.add(f"{sub}/{f.name}")
    return files


def _sha256(path: Path) -> str | None:
    """Hex SHA-256 of a file's bytes (None when it cannot be read)."""
    import hashlib

    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def _found_foreign(folder: Path, foreign: list[str], remedy: str) -> str:
    """The "found ...; remedy" part of a refusal: the files lisse did not write, or the damaged marker that hides which
    they are (then --overwrite cannot help: every file counts as the user's, so only another folder does)."""
    if (folder / MARKER).is_file() and _read_marker(folder) is None:
        return (f"found its lisse record {MARKER} unreadable (damaged, or not written by lisse), so lisse cannot tell its own "
                f"files from others ({len(foreign)} entries); choose another folder (or delete {MARKER} yourself if every "
                "file there is yours to lose)")
    shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
    return f"found files lisse did not write or that changed since it wrote them ({shown}); {remedy}"


def _foreign_entries(folder: Path) -> list[str]:
    """Entries of ``folder`` that lisse did not write (all of them when it has no valid marker)."""
    made = _lisse_files(folder)
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir())
    if made is None:
        return found or sorted(p.name for p in folder.iterdir())
    return [f for f in found if f not in made]


def claim_output_folder(path: str | os.PathLike, *, overwrite: bool = False, what: str = "--out", create: bool = True,
                        outputs: Iterable[str] = ()) -> Path:
    """Check a folder that a command writes into in place (``interlayer --out``, ``phasefield --out``).

    The folder must be new, empty or made by lisse (its :data:`MARKER` lists every file in it); a
    folder holding files lisse did not write is refused unless ``overwrite``. Then lisse writes beside
    them and never replaces one: a name in ``outputs`` that is one of them refuses the folder at once,
    and any later write to one of them is refused (:func:`refuse_foreign_file`). The same folders as for
    :func:`output_folder` are always refused (root, home, the current folder, a file). The folder is
    created and marked as lisse's; record each file written with :func:`mark_output_files`.

    Parameters
    ----------
    path : str or os.PathLike
        The output folder.
    overwrite : bool, default False
        Accept a folder holding files lisse did not write.
    what : str, default "--out"
        How the user named the folder, for messages.
    create : bool, default True
        Create and mark the folder. False: only check it (a command that validates its other settings before it makes
        anything calls it twice: first without creating, to refuse a folder at once, then with).
    outputs : iterable of str, optional
        Names (relative to the folder) of the files the command will write, where it knows them.

    Returns
    -------
    pathlib.Path
        The resolved folder (created and marked, unless ``create`` is False).

    Raises
    ------
    ParameterError
        The folder is refused.
    """
    target = _refuse_target(str(path), what)
    foreign = _foreign_entries(target) if target.exists() and any(target.iterdir()) else []
    if foreign and not overwrite:
        raise ParameterError(f"{what} {str(path)!r}: expected a new, empty or lisse-made folder; "
                             + _found_foreign(target, foreign, "choose another folder or pass --overwrite to write beside them "
                                                               "(lisse never replaces them)"))
    clash = sorted(set(foreign) & {str(Path(n)) for n in outputs})
    if clash:
        raise ParameterError(f"{what} {str(path)!r}: expected no file of the names this command writes; found "
                             f"{', '.join(clash)}, which lisse did not write (or which changed since it wrote it) and never "
                             "replaces (move it, or choose another folder)")
    root = target.resolve()
    outside = sorted(str(Path(n)) for n in outputs if target.exists() and not (root / n).parent.resolve().is_relative_to(root))
    if outside:  # a subfolder that is a link to elsewhere: lisse would write outside the folder it was given
        raise ParameterError(f"{what} {str(path)!r}: expected every output inside the folder; found {', '.join(outside[:3])} "
                             "reached through a link to outside it (replace the link with a folder, or choose another folder)")
    if not create:
        return target
    _FOREIGN_FILES.difference_update({e for e in _FOREIGN_FILES if e == target or target in e.parents})
    _FOREIGN_FILES.update(_entry(target / f) for f in foreign)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.from_oserror(exc, target) from exc
    # lisse's files were just checked against their digests; the run may rewrite any of them before it marks its outputs,
    # so the digests go now: a run that fails half way must not leave lisse's own files looking edited (review s43b)
    mark_output_files(target, [], forget_digests=True)
    return target


def mark_output_files(folder: str | os.PathLike, files: Iterable[str | os.PathLike], *, settled: bool = True,
                      forget_digests: bool = False) -> None:
    """Add ``files`` (paths inside ``folder``) to the folder's :data:`MARKER`, creating it if needed.

    The marker records the SHA-256 of each settled file as written: a file the user edits afterwards is the user's
    (:func:`claim_output_folder` then refuses to replace it, as it refuses any file lisse did not write).

    Parameters
    ----------
    folder : str or os.PathLike
        A folder claimed with :func:`claim_output_folder`.
    files : iterable of str or os.PathLike
        Files written inside ``folder`` (or files the user explicitly handed over to lisse, such as a checkpoint that
        ``--overwrite`` was given to replace): lisse may replace them from now on.
    settled : bool, default True
        The files are written as they will stay: their digests are recorded. False for a file lisse keeps rewriting (a
        run's checkpoint, a database): no digest, so its changes are not taken for the user's.
    forget_digests : bool, default False
        Drop the digests of the files already listed (:func:`claim_output_folder` does, once it has checked them: the
        run about to start may rewrite them). A file a run does not write again stays lisse's, without a digest.

    Raises
    ------
    OutputError
        The marker file cannot be written.
    """
    folder = Path(folder)
    files = list(files)
    made = (_lisse_files(folder) or set()) - {MARKER}  # without the files changed since lisse wrote them
    info = _read_marker(folder) or {}
    old = info.get("sha256")
    digests = {f: d for f, d in old.items() if f in made} if isinstance(old, dict) and not forget_digests else {}
    for f in files:
        try:
            rel = str(Path(f).resolve().relative_to(folder.resolve()))
        except ValueError:  # reached through a link to outside the folder: not lisse's to list
            raise OutputError(f"cannot mark '{f}' as an output of '{folder}': expected a file inside that folder; found it "
                              "reached through a link to outside it", Path(f)) from None
        made.add(rel)
        digest = _sha256(folder / rel) if settled else None
        if digest is None:
            digests.pop(rel, None)
        else:
            digests[rel] = digest
    _FOREIGN_FILES.difference_update(_entry(f) for f in files)  # lisse's own now (or adopted: see the callers)
    marker = {"lisse_output": 1, "updated_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "files": sorted(made),
              "sha256": dict(sorted(digests.items()))}
    atomic_write_text(folder / MARKER, json.dumps(marker, indent=2))


def output_folder_state(path: str | os.PathLike) -> str:
    """``"missing"``, ``"empty"``, ``"lisse"`` (made by lisse, nothing else in it), ``"foreign"`` or ``"file"``.

    Parameters
    ----------
    path : str or os.PathLike
        The folder to inspect.

    Returns
    -------
    str
        One of ``"missing"``, ``"empty"``, ``"lisse"``, ``"foreign"``, ``"file"``.
    """
    p = Path(path)
    if not p.exists():
        return "missing"
    if not p.is_dir():
        return "file"
    if not any(p.iterdir()):
        return "empty"
    return "foreign" if _foreign_entries(p) else "lisse"


def _refuse_target(text: str, what: str) -> Path:
    if not str(text).strip():
        raise ParameterError(f"{what}: expected an output folder; found an empty path")
    try:
        target = Path(text).expanduser().resolve()
    except (RuntimeError, ValueError, OSError) as exc:  # unknown ~user, NUL byte, symlink loop
        raise ParameterError(f"{what} {str(text)!r}: expected a folder path; found one that cannot be resolved ({exc})") from None
    if target == Path(target.anchor):
        raise ParameterError(f"{what} {str(text)!r}: expected a new or lisse-made folder; found the root folder")
    if target == Path.home().resolve():
        raise ParameterError(f"{what} {str(text)!r}: expected a new or lisse-made folder; found your home folder")
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        raise ParameterError(f"{what} {str(text)!r}: expected a new or lisse-made folder; found the current folder"
                             f"{'' if target == cwd else ' (or a folder that contains it)'}; give a subfolder such as 'lisse-out'")
    if target.exists() and not target.is_dir():
        raise ParameterError(f"{what} {str(text)!r}: expected a folder; found a file")
    return target


@contextlib.contextmanager
def output_folder(path: str | os.PathLike, *, overwrite: bool = False, what: str = "--out",
                  info: dict | None = None) -> Iterator[Path]:
    """Write a run's outputs into a staging folder and swap it in as ``path`` when the block succeeds.

    Parameters
    ----------
    path : path
        The output folder: new, empty, or made by lisse (its :data:`MARKER` lists every file in it).
    overwrite : bool
        Also accept an existing folder with other files; they are deleted when the run succeeds. A folder
        with subfolders (other than lisse's ``tables``/``figures``), the root folder, the home folder and
        the current folder (or one containing it) are always refused.
    what : str
        How the user named the folder (``"--out"``), for messages.
    info : dict, optional
        Extra JSON-able facts for the marker file (e.g. the lisse version).

    Yields
    ------
    Path
        The staging folder (a hidden sibling of ``path``); write every output there.

    Raises
    ------
    ParameterError
        The folder is refused (see above) or another lisse run holds its lock.
    """
    target = _refuse_target(str(path), what)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    flock: Callable[[int, int], None] | None = None
    try:
        import fcntl

        lock_fd: int | None = os.open(target, os.O_RDONLY)
        flock, lock_flags = fcntl.flock, fcntl.LOCK_EX | fcntl.LOCK_NB
    except (ImportError, OSError):  # pragma: no cover - no flock (or folder handles) on this platform: no lock
        lock_fd = None
    staging: Path | None = None
    try:
        try:
            if flock is not None and lock_fd is not None:
                flock(lock_fd, lock_flags)
        except BlockingIOError:
            raise ParameterError(f"{what} {str(path)!r}: expected a folder no other run is using; found it locked by "
                                 "another lisse run (wait for it to finish or choose another folder)") from None
        foreign = _foreign_entries(target) if any(target.iterdir()) else []
        if foreign and overwrite:
            # lisse's own tables/figures are replaced; any other subfolder (or a tables/figures folder
            # holding files lisse did not write, e.g. a paper's own figures) is the user's and is refused
            dirs = sorted(p.name for p in target.iterdir() if p.is_dir() and not p.is_symlink()
                          and (p.name not in ("tables", "figures") or any(f.startswith(p.name + os.sep) for f in foreign)))
            if dirs:
                raise ParameterError(f"{what} {str(path)!r}: --overwrite replaces a folder of files; found subfolders "
                                     f"({', '.join(dirs[:3])}) - delete or move them yourself, or choose another folder")
        if foreign and not overwrite:
            raise ParameterError(f"{what} {str(path)!r}: expected a new, empty or lisse-made folder; "
                                 + _found_foreign(target, foreign, "choose another folder or pass --overwrite to replace its contents"))
        run_id = uuid.uuid4().hex[:12]
        staging = target.parent / f".{target.name}.lisse-staging-{run_id}"
        staging.mkdir()
        yield staging
        files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        marker = {"lisse_output": 1, "run_id": run_id, "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                  **(info or {}), "files": files, "sha256": {f: _sha256(staging / f) for f in files}}
        atomic_write_text(staging / MARKER, json.dumps(marker, indent=2))
        if any(target.iterdir()):
            old = target.parent / f".{target.name}.lisse-old-{run_id}"
            os.rename(target, old)
            try:
                os.rename(staging, target)
            except BaseException:  # interrupted or refused: put the previous folder back where the user left it
                with contextlib.suppress(OSError):
                    os.rename(old, target)
                raise
            staging = None
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)  # POSIX: a folder replaces an empty folder atomically
            staging = None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                with contextlib.suppress(OSError):
                    target.rmdir()  # only if still empty
        if lock_fd is not None:
            os.close(lock_fd)
