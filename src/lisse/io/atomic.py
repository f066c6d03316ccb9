"""Atomic file writes: write to a temporary file in the target folder, then ``os.replace``.

An interrupted run therefore leaves either the old file or the new one, never half of one. A write
the system refuses (permission denied, read-only file system, disk full, a folder where the file
should go) raises :class:`~lisse.errors.OutputError` naming the target path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from lisse.errors import OutputError, ParameterError

__all__ = ["atomic_write_bytes", "atomic_write_text", "atomic_save_figure"]


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (creates parent folders).

    Raises
    ------
    OutputError
        The folder cannot be created or the file cannot be written (the message names ``path``).
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write '{path}': it is a folder; expected a file path", path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        blocker = next((a for a in path.parents if a.exists() and not a.is_dir()), None)
        if blocker is not None:
            raise OutputError(f"cannot write '{path}': '{blocker}' is a file, not a folder", path, exc.errno) from exc
        raise OutputError.from_oserror(exc, path) from exc
    try:
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
    """Write ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_save_figure(fig, path: str | os.PathLike, **kwargs) -> Path:
    """Save a matplotlib figure atomically; the format follows the suffix of ``path``.

    Raises
    ------
    ParameterError
        The suffix of ``path`` names no image format matplotlib can write.
    OutputError
        The file cannot be written.
    """
    import io

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise ParameterError(f"figure file '{path}': expected a suffix naming an image format ({', '.join(sorted(supported))}); "
                             f"found '.{fmt}'")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, **kwargs)
    return atomic_write_bytes(path, buf.getvalue())
