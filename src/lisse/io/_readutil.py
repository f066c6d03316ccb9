"""Shared helpers for the cycler readers: error wrapping, text decoding, provenance."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from lisse.errors import LisseError, ReaderError

F = TypeVar("F", bound=Callable[..., Any])

READER_REVISION = "1"


def reader_version() -> str:
    import lisse

    return f"lisse {lisse.__version__} (reader rev {READER_REVISION})"


def guarded(fmt: str) -> Callable[[F], F]:
    """Decorator: any non-lisse exception escaping a reader becomes a :class:`ReaderError`.

    The wrapped function's first argument is the path; the message names it and the format.
    """

    def deco(func: F) -> F:
        @functools.wraps(func)
        def wrapper(path, *args, **kwargs):
            p = Path(path)
            if not p.exists():
                raise ReaderError(f"{fmt} file '{path}' does not exist")
            if p.is_dir():
                raise ReaderError(f"{fmt} file '{path}' is a directory, expected a file")
            if p.stat().st_size == 0:
                raise ReaderError(f"{fmt} file '{path}' is empty (0 bytes)")
            try:
                return func(path, *args, **kwargs)
            except LisseError:
                raise
            except MemoryError:
                raise ReaderError(f"{fmt} file '{path}' is corrupt: it declares more data than can be allocated") from None
            except Exception as exc:  # noqa: BLE001 - the point is to convert everything
                raise ReaderError(
                    f"cannot read '{path}' as {fmt}: the file is corrupt, truncated or not in this format ({type(exc).__name__}: {exc})"
                ) from exc

        return wrapper  # type: ignore[return-value]

    return deco


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), falling back to cp1252 then latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace"), "latin-1"  # pragma: no cover - latin-1 never fails


def norm_unit_text(s: str) -> str:
    """Normalise the micro sign variants and stray replacement characters in column names."""
    return s.replace("\u03bc", "\u00b5").replace("\ufffd", "\u00b5").strip()


_DATE_PATTERNS = [
    ("%m/%d/%Y %H:%M:%S.%f", r"\d{2}/\d{2}/\d{4} \d{1,2}:\d{2}:\d{2}\.\d+"),
    ("%m/%d/%Y %H:%M:%S", r"\d{2}/\d{2}/\d{4} \d{1,2}:\d{2}:\d{2}"),
    ("%m.%d.%Y %H:%M:%S.%f", r"\d{2}\.\d{2}\.\d{4} \d{1,2}:\d{2}:\d{2}[.,]\d+"),
    ("%Y-%m-%d %H:%M:%S.%f", r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}:\d{2}\.\d+"),
    ("%Y-%m-%d %H:%M:%S", r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}:\d{2}"),
]


def parse_datetime(text: str) -> datetime | None:
    """Parse the first date-time in ``text`` (instrument formats); returns a UTC-aware datetime or None."""
    for fmt, pat in _DATE_PATTERNS:
        m = re.search(pat, text)
        if m:
            s = m.group(0).replace("T", " ")
            if fmt.startswith("%m.%d"):
                s = s[:19] + "." + s[20:]
            try:
                return datetime.strptime(s, fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
    return None


def check_rows(path: Any, fmt: str, n: int) -> None:
    if n == 0:
        raise ReaderError(f"{fmt} file '{path}' contains a header but no data rows")
