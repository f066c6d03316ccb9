"""Array backends of the phase-field ζ update: NumPy (default), JAX or CuPy, chosen at run time.

One code path: the ζ update of :class:`lisse.sim.phasefield.electrodeposition.ElectrodepositionSolver` and of
:class:`lisse.sim.phasefield.solver.PhaseFieldSolver` is written against an array namespace ``xp`` (``numpy``,
``jax.numpy`` or ``cupy``) and a type-II orthonormal DCT pair; :func:`get_backend` returns both. What runs on the
backend's arrays: the semi-implicit spectral (DCT) step, the Allen–Cahn, pressure and profile terms, the reaction-site
densities and the Faraday-scaled reaction source. What stays on the host (NumPy/SciPy): the sparse potential solve
(Newton + SuperLU/AMG), the island labelling (``scipy.ndimage``) and the diagnostics. Why: the solve is a sparse
direct factorisation (the coupled Jacobian's conductivity contrast, ~1e16, defeats the iterative solvers a GPU would
run well), and it runs once per tens of steps. ζ is copied to the host once per potential solve (and when read); the
kinetics of a solve (two fields) are copied to the device once per solve: at 256² in float64 0.5 MB down and 1 MB up.
Measured with JAX on one CPU core (``benchmarks/phasefield_backend.py``, load ~8 on 2 cores): 0.03 ms down, 0.26 ms up
per solve, against ~1 s for the solve itself and ~10-20 ms for one ζ step. Over PCIe (~10 GB/s) the same traffic is
~0.15 ms (estimated; not measured on a GPU here): negligible either way.

DCT conventions (checked in ``tests/phasefield/test_backend.py`` against :func:`scipy.fft.dctn`):
``scipy.fft.dctn(x, type=2, norm="ortho")`` and its inverse ``idctn(type=2)`` (= DCT-III, orthonormal); JAX's
:func:`jax.scipy.fft.dctn` / ``idctn`` implement exactly type 2 with ``norm="ortho"`` (no other type is needed: the
Neumann eigenbasis of the 5-/7-point Laplacian is the DCT-II one); CuPy's :func:`cupyx.scipy.fft.dctn` mirrors SciPy's.

Float64 on JAX. JAX computes in float32 unless ``jax_enable_x64`` is set, which is a process-wide default. Instead
of setting it globally (which would change every other JAX user's dtypes in the process), every backend computation
runs inside :meth:`ArrayBackend.scope`: the thread-local context manager ``jax.enable_x64(True)`` (JAX ≥ 0.5;
``jax.experimental.enable_x64()`` on older releases). Outside a solver call the user's setting is untouched.

JAX and CuPy are imported only when their backend is asked for; absent, :func:`get_backend` raises
:class:`lisse.errors.MissingDependencyError` naming the optional extra ``gpu``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lisse.errors import MissingDependencyError, ParameterError

__all__ = ["BACKENDS", "ArrayBackend", "get_backend"]

#: Names accepted by :func:`get_backend` (and the solvers' ``backend`` keyword).
BACKENDS = ("numpy", "jax", "cupy")


@dataclass(frozen=True)
class ArrayBackend:
    """An array namespace with the DCT pair and the precision scope the phase-field ζ update needs.

    Parameters
    ----------
    name : str
        ``"numpy"``, ``"jax"`` or ``"cupy"``.
    xp : module
        The array namespace (``numpy``, ``jax.numpy`` or ``cupy``).
    dctn : callable
        ``dctn(x)``: orthonormal type-II DCT over all axes.
    idctn : callable
        ``idctn(x)``: its inverse (orthonormal type-III DCT).
    mutable : bool
        Whether arrays can be updated in place (False for JAX).
    jit : callable
        ``jit(f)``: a compiled version of a pure function of arrays (identity for NumPy and CuPy).
    scope_factory : callable, default contextlib.nullcontext
        Returns the context manager of :meth:`scope`.
    host_copy : callable, default numpy.asarray
        Converts one of the backend's arrays to a NumPy array.
    """

    name: str
    xp: Any
    dctn: Callable[[Any], Any]
    idctn: Callable[[Any], Any]
    mutable: bool
    jit: Callable[[Callable], Callable]
    scope_factory: Callable[[], Any] = contextlib.nullcontext
    host_copy: Callable[[Any], np.ndarray] = np.asarray

    @property
    def is_numpy(self) -> bool:
        """True for the NumPy backend (device arrays are host arrays)."""
        return self.name == "numpy"

    def scope(self) -> Any:
        """Context manager under which backend arrays are created and combined (float64 enabled on JAX).

        Returns
        -------
        contextlib.AbstractContextManager
            Enter it around any computation on this backend's arrays.
        """
        return self.scope_factory()

    def asarray(self, a: Any, dtype: Any = None) -> Any:
        """``a`` as an array of this backend (a NumPy array is returned as it is by the NumPy backend).

        Parameters
        ----------
        a : array_like
            Host data [any unit].
        dtype : numpy.dtype, optional
            Element type; default ``a``'s.

        Returns
        -------
        array
            The backend's array [unit of a].
        """
        if self.is_numpy:
            return np.asarray(a, dtype=dtype)
        with self.scope():
            return self.xp.asarray(np.asarray(a, dtype=dtype))

    def to_numpy(self, a: Any) -> np.ndarray:
        """A host (NumPy) copy of a backend array, read-only unless the backend is NumPy.

        Parameters
        ----------
        a : array
            The backend's array [any unit].

        Returns
        -------
        numpy.ndarray
            The values on the host [unit of a].
        """
        if self.is_numpy:
            return np.asarray(a)
        out = np.array(self.host_copy(a))
        out.flags.writeable = False  # a host mirror: edit by assigning a new array, never in place
        return out


def _jax_scope() -> Any:
    import jax

    ctx = getattr(jax, "enable_x64", None)
    if ctx is not None and callable(ctx):
        return ctx(True)
    import importlib

    return importlib.import_module("jax.experimental").enable_x64()  # JAX < 0.5


def get_backend(name: str = "numpy") -> ArrayBackend:
    """The array backend ``name`` of the phase-field ζ update (JAX/CuPy imported here, on first use).

    Parameters
    ----------
    name : {"numpy", "jax", "cupy"}, default "numpy"
        ``"jax"``: JAX (CPU or GPU, whichever jaxlib provides; float64 enabled in a scope); ``"cupy"``: CuPy on an
        NVIDIA GPU.

    Returns
    -------
    ArrayBackend
        Namespace, DCT pair and precision scope.

    Raises
    ------
    ParameterError
        An unknown backend name.
    MissingDependencyError
        JAX or CuPy is not installed (optional extra ``gpu``).
    """
    if name == "numpy":
        from scipy.fft import dctn, idctn

        return ArrayBackend("numpy", np, lambda x: dctn(x, type=2, norm="ortho", overwrite_x=True),
                            lambda x: idctn(x, type=2, norm="ortho", overwrite_x=True), True, lambda f: f)
    if name == "jax":
        try:
            import jax
            import jax.numpy as jnp
            from jax.scipy.fft import dctn as jdctn
            from jax.scipy.fft import idctn as jidctn
        except ImportError as exc:
            raise MissingDependencyError("jax", "the phase-field backend 'jax'", "gpu") from exc
        return ArrayBackend("jax", jnp, lambda x: jdctn(x, type=2, norm="ortho"), lambda x: jidctn(x, type=2, norm="ortho"),
                            False, jax.jit, _jax_scope, np.asarray)
    if name == "cupy":
        try:
            import cupy
            from cupyx.scipy.fft import dctn as cdctn
            from cupyx.scipy.fft import idctn as cidctn
        except ImportError as exc:
            raise MissingDependencyError("cupy", "the phase-field backend 'cupy'", "gpu") from exc
        return ArrayBackend("cupy", cupy, lambda x: cdctn(x, type=2, norm="ortho", overwrite_x=True),
                            lambda x: cidctn(x, type=2, norm="ortho", overwrite_x=True), True, lambda f: f,
                            contextlib.nullcontext, cupy.asnumpy)
    raise ParameterError(f"parameter 'backend' must be one of {', '.join(BACKENDS)}; got {name!r}")


class HostMirror:
    """A solver field that lives on the backend's arrays and reads as NumPy on the host.

    ``obj.NAME`` returns a host copy (made once per change; the same object on the NumPy backend); assigning
    ``obj.NAME = array`` uploads it. The owner needs a ``_bk`` attribute (:class:`ArrayBackend`); the device array
    is ``obj._dev_NAME`` (set it through :func:`set_device`).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.dev = "_dev_" + name
        self.host = "_host_" + name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        h = d.get(self.host)
        if h is None:
            h = obj._bk.to_numpy(d[self.dev])
            d[self.host] = h
        return h

    def __set__(self, obj: Any, value: Any) -> None:
        bk = obj._bk
        if bk.is_numpy:
            obj.__dict__[self.dev] = obj.__dict__[self.host] = value
        else:
            obj.__dict__[self.dev] = bk.asarray(value)
            obj.__dict__[self.host] = None


def set_device(obj: Any, name: str, value: Any) -> None:
    """Set the device array of the :class:`HostMirror` field ``name`` of ``obj`` (the host copy is made when read).

    Parameters
    ----------
    obj : object
        The owner (with ``_bk``).
    name : str
        The field's name.
    value : array
        The backend's array.
    """
    d = obj.__dict__
    d["_dev_" + name] = value
    d["_host_" + name] = value if obj._bk.is_numpy else None


class DeviceCache:
    """Device copies of host arrays, re-uploaded only when the host attribute is replaced (identity check)."""

    def __init__(self, bk: ArrayBackend) -> None:
        self._bk = bk
        self._store: dict[str, tuple[Any, Any]] = {}

    def get(self, key: str, host: Any) -> Any:
        """The device copy of ``host`` (NumPy backend: ``host`` itself).

        Parameters
        ----------
        key : str
            Name of the field (one slot per name).
        host : array_like
            The current host array.

        Returns
        -------
        array
            The backend's array.
        """
        if self._bk.is_numpy:
            return host
        hit = self._store.get(key)
        if hit is not None and hit[0] is host:
            return hit[1]
        dev = self._bk.asarray(host)
        self._store[key] = (host, dev)  # the host object is kept alive so its identity cannot be reused
        return dev


# In-place updates where the backend allows them (NumPy, CuPy: the same operations, hence bit-for-bit the same
# results as plain NumPy code), else a new array cast back to the left operand's type (what ``a += b`` stores).
def iadd(bk: ArrayBackend, a: Any, b: Any) -> Any:
    """``a += b`` (in place when the backend allows it) [unit of a]."""
    if bk.mutable:
        a += b
        return a
    return (a + b).astype(a.dtype)


def isub(bk: ArrayBackend, a: Any, b: Any) -> Any:
    """``a -= b`` (in place when the backend allows it) [unit of a]."""
    if bk.mutable:
        a -= b
        return a
    return (a - b).astype(a.dtype)


def idiv(bk: ArrayBackend, a: Any, b: Any) -> Any:
    """``a /= b`` (in place when the backend allows it)."""
    if bk.mutable:
        a /= b
        return a
    return (a / b).astype(a.dtype)


def masked_sum(bk: ArrayBackend, a: Any, mask: Any) -> Any:
    """Sum of ``a`` over the cells where the boolean ``mask`` is set (boolean indexing, or a where-sum on JAX)."""
    if bk.mutable:
        return a[mask].sum()
    return bk.xp.where(mask, a, 0.0).sum()


def imul(bk: ArrayBackend, a: Any, b: Any) -> Any:
    """``a *= b`` (in place when the backend allows it)."""
    if bk.mutable:
        a *= b
        return a
    return (a * b).astype(a.dtype)
