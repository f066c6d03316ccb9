r"""Equivalent-circuit models: a small grammar parsed without ``eval``, vectorised, analytic Jacobians.

Grammar (the impedance.py convention)::

    circuit  := series
    series   := term ('-' term)*            # elements in series
    term     := 'p(' series (',' series)+ ')'  # branches in parallel
              | ELEMENT                     # e.g. R0, CPE1, Wo2
    ELEMENT  := TYPE INDEX                  # TYPE is one of the element types below

Element types (parameters; units; impedance, ω = 2πf, s = √(jωτ)):

=======  ===========================  ==================================================================
``R``    R [ohm]                      Z = R
``C``    C [F]                        Z = 1/(jωC)
``L``    L [H]                        Z = jωL
``CPE``  Q [F s^(n-1)], n [-]         Z = 1/(Q (jω)^n)
``W``    sigma [ohm s^-1/2]           Z = σ(1 - j)/√ω  (semi-infinite Warburg)
``Wo``   R [ohm], tau [s]             Z = R coth(s)/s  (finite length, reflective/"open" end)
``Ws``   R [ohm], tau [s]             Z = R tanh(s)/s  (finite length, transmissive/"short" end)
``G``    R [ohm], tau [s]             Z = R/√(1 + jωτ)  (Gerischer)
``HN``   R [ohm], tau [s], alpha,     Z = R/(1 + (jωτ)^α)^β  (Havriliak–Negami)
         beta [-]
``TLM``  Rion [ohm], Rct [ohm],       Z = √(R_ion Z_i) coth(√(R_ion/Z_i)), Z_i = R_ct ‖ CPE(Q, n):
         Q [F s^(n-1)], n [-]         uniform transmission line of a porous electrode with R‖CPE
                                      interface (de Levie 1963; Bisquert 2000)
=======  ===========================  ==================================================================

Series: :math:`Z = \sum Z_i`; parallel: :math:`Z = (\sum Z_i^{-1})^{-1}` with
:math:`\partial Z/\partial p = (Z/Z_i)^2\,\partial Z_i/\partial p`. Every element supplies its exact
derivative, so the Jacobian of the whole circuit is analytic (checked against finite differences in
``tests/eis/test_circuits.py``).

Fitting (:meth:`Circuit.fit`) is weighted non-linear least squares (``scipy.optimize.least_squares``,
trust-region reflective) on stacked real and imaginary residuals, with strictly positive parameters
fitted in log space, bounds, fixed parameters, several starting points (from the DRT peaks when
available, plus spread guesses) and parameter standard errors from the Jacobian at the optimum,
:math:`\mathrm{cov} = s^2 (J^T J)^{-1}` with :math:`s^2 = \chi^2/(m - p)`.

References
----------
R. de Levie, "On porous electrodes in electrolyte solutions", Electrochim. Acta 8, 751 (1963),
doi:10.1016/0013-4686(63)80042-0. J. Bisquert, "Influence of the boundaries in the impedance of
porous film electrodes", Phys. Chem. Chem. Phys. 2, 4185 (2000), doi:10.1039/B001708F.
S. Havriliak, S. Negami, "A complex plane representation of dielectric and mechanical relaxation
processes in some polymers", Polymer 8, 161 (1967), doi:10.1016/0032-3861(67)90021-3.
M. E. Orazem, B. Tribollet, Electrochemical Impedance Spectroscopy, 2nd ed., Wiley (2017),
doi:10.1002/9781119363682 (Warburg and Gerischer elements).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lisse.analysis._estimator import read_hint, refuse_data
from lisse.analysis.eis.weighting import check_weighting, residual_weights
from lisse.citations import Citation, add, register
from lisse.errors import ConvergenceError, LisseError, ParameterError
from lisse.records.display import html_table, plot_with, short
from lisse.records.spectrum import EISSpectrum

__all__ = ["Circuit", "parse_circuit", "ELEMENTS", "parse_parameter_values", "parse_parameter_bounds", "PLAUSIBILITY"]

#: Plausibility limits used to flag a fitted parameter (``Circuit.summary()["parameters"][i]["flags"]``):
#: a resistance above ``resistance_max_x_max_abs_z`` x max|Z| of the data, an element whose impedance is
#: below ``short_x_min_abs_z`` x min|Z| (a short: the element drops out) or above ``open_x_max_abs_z`` x
#: max|Z| (open) at every measured frequency, a time constant more than ``tau_decades_outside``
#: decades outside [1/ω_max, 1/ω_min], an exponent outside [0, 1], a relative standard error above
#: ``max_relative_std`` (the data do not determine the parameter).
PLAUSIBILITY = {
    "resistance_max_x_max_abs_z": 1e3,
    "short_x_min_abs_z": 1e-4,
    "open_x_max_abs_z": 1e4,
    "tau_decades_outside": 3.0,
    "max_relative_std": 1.0,
}

add(Citation("Orazem2017", "Orazem, Tribollet", "Electrochemical Impedance Spectroscopy, 2nd edition", "Wiley", 2017, "10.1002/9781119363682"))
add(Citation("deLevie1963", "de Levie", "On porous electrodes in electrolyte solutions", "Electrochimica Acta 8, 751", 1963, "10.1016/0013-4686(63)80042-0"))
add(Citation("Bisquert2000", "Bisquert", "Influence of the boundaries in the impedance of porous film electrodes", "Phys. Chem. Chem. Phys. 2, 4185", 2000, "10.1039/B001708F"))
add(Citation("Havriliak1967", "Havriliak, Negami", "A complex plane representation of dielectric and mechanical relaxation processes in some polymers", "Polymer 8, 161", 1967, "10.1016/0032-3861(67)90021-3"))


# ------------------------------------------------------------------------------------------------
# elements: f(omega, params) -> (Z (N,), dZ/dp (N, k))
# ------------------------------------------------------------------------------------------------
def _coth(s):
    return 1.0 / np.tanh(s)


def _el_R(w, p):
    return np.full(w.shape, p[0], dtype=complex), np.ones((w.size, 1), dtype=complex)


def _el_C(w, p):
    z = 1.0 / (1j * w * p[0])
    return z, (-z / p[0])[:, None]


def _el_L(w, p):
    return 1j * w * p[0], (1j * w)[:, None]


def _el_CPE(w, p):
    Q, n = p
    ljw = np.log(1j * w)
    z = np.exp(-n * ljw) / Q
    return z, np.column_stack([-z / Q, -z * ljw])


def _el_W(w, p):
    b = (1 - 1j) / np.sqrt(w)
    return p[0] * b, b[:, None]


def _finite(w, p, kind):
    R, tau = p
    s = np.sqrt(1j * w * tau)
    if kind == "open":
        # large |s|: coth -> 1 (avoid overflow)
        c = np.where(np.abs(s) > 30, 1.0 + 0j, _coth(np.where(np.abs(s) > 30, 1.0, s)))
        F = c / s
        dF = ((1 - c * c) * s - c) / (s * s)  # d/ds coth(s)/s, with -csch^2 = 1 - coth^2
    else:
        t = np.tanh(s)
        F = t / s
        dF = ((1 - t * t) * s - t) / (s * s)
    dsdtau = s / (2 * tau)
    return R * F, np.column_stack([F, R * dF * dsdtau])


def _el_Wo(w, p):
    return _finite(w, p, "open")


def _el_Ws(w, p):
    return _finite(w, p, "short")


def _el_G(w, p):
    R, tau = p
    D = 1 + 1j * w * tau
    sq = np.sqrt(D)
    return R / sq, np.column_stack([1 / sq, -0.5 * R * 1j * w / (D * sq)])


def _el_HN(w, p):
    R, tau, a, b = p
    lj = np.log(1j * w * tau)
    u = np.exp(a * lj)
    D = 1 + u
    Db = np.exp(-b * np.log(D))
    z = R * Db
    common = -R * b * Db / D  # d z / d u
    return z, np.column_stack([Db, common * a * u / tau, common * u * lj, -z * np.log(D)])


def _el_TLM(w, p):
    Rion, Rct, Q, n = p
    ljw = np.log(1j * w)
    y = Q * np.exp(n * ljw)
    Zi = 1.0 / (1.0 / Rct + y)
    g = np.sqrt(Rion / Zi)
    big = np.abs(g) > 30
    gs = np.where(big, 1.0, g)
    c = np.where(big, 1.0 + 0j, _coth(gs))
    F = c / g
    dF = ((1 - c * c) * g - c) / (g * g)
    z = Rion * F
    dz_dRion = F + Rion * dF * g / (2 * Rion)
    dz_dZi = Rion * dF * (-g / (2 * Zi))
    Zi2 = Zi * Zi
    return z, np.column_stack([dz_dRion, dz_dZi * Zi2 / Rct**2, dz_dZi * (-Zi2) * np.exp(n * ljw), dz_dZi * (-Zi2) * y * ljw])


@dataclass(frozen=True)
class ElementType:
    """An element type: parameter names, units, default bounds, evaluator."""

    prefix: str
    params: tuple[str, ...]
    units: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    func: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]  # (ω [rad/s], params) -> (Z, dZ/dp)
    doc: str


_POS = (0.0, math.inf)
_FRAC = (0.0, 1.0)
ELEMENTS: dict[str, ElementType] = {
    e.prefix: e
    for e in (
        ElementType("R", ("R",), ("ohm",), (_POS,), _el_R, "resistor"),
        ElementType("C", ("C",), ("F",), (_POS,), _el_C, "capacitor"),
        ElementType("L", ("L",), ("H",), (_POS,), _el_L, "inductor"),
        ElementType("CPE", ("Q", "n"), ("F s^(n-1)", "1"), (_POS, _FRAC), _el_CPE, "constant-phase element"),
        ElementType("W", ("sigma",), ("ohm s^-0.5",), (_POS,), _el_W, "semi-infinite Warburg"),
        ElementType("Wo", ("R", "tau"), ("ohm", "s"), (_POS, _POS), _el_Wo, "finite-length Warburg, reflective (open) end"),
        ElementType("Ws", ("R", "tau"), ("ohm", "s"), (_POS, _POS), _el_Ws, "finite-length Warburg, transmissive (short) end"),
        ElementType("G", ("R", "tau"), ("ohm", "s"), (_POS, _POS), _el_G, "Gerischer"),
        ElementType("HN", ("R", "tau", "alpha", "beta"), ("ohm", "s", "1", "1"), (_POS, _POS, _FRAC, _FRAC), _el_HN, "Havriliak-Negami"),
        ElementType("TLM", ("Rion", "Rct", "Q", "n"), ("ohm", "ohm", "F s^(n-1)", "1"), (_POS, _POS, _POS, _FRAC), _el_TLM, "transmission line, R||CPE interface"),
    )
}
_PREFIXES = sorted(ELEMENTS, key=len, reverse=True)


# ------------------------------------------------------------------------------------------------
# parser
# ------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(?:(p\()|([A-Za-z][A-Za-z0-9_]*)|(-)|(,)|(\)))")


@dataclass
class _Node:
    kind: str  # "el", "s", "p"
    children: list
    name: str = ""
    etype: ElementType | None = None
    start: int = 0  # first parameter index (elements)


def _tokenise(text: str) -> list[str]:
    toks, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ParameterError(f"circuit '{text}': unexpected character {text[pos]!r} at position {pos}; expected an element name, '-', 'p(', ',' or ')'")
        toks.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    return toks


def parse_circuit(text: str) -> tuple[_Node, list[tuple[str, ElementType]]]:
    """Parse a circuit string into a tree and the ordered list of (element name, type).

    Parameters
    ----------
    text : str
        Circuit in the impedance.py grammar of the module docstring, e.g. ``"R0-p(R1,CPE1)"``.

    Returns
    -------
    tree : _Node
        The series/parallel tree.
    elements : list of (str, ElementType)
        Element names in circuit order with their types (:data:`ELEMENTS`).

    Raises
    ------
    ParameterError
        For a syntax error, an unknown element or an element name used twice.
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(f"circuit: expected a non-empty string such as 'R0-p(R1,CPE1)'; found {text!r}")
    toks = _tokenise(text)
    pos = 0
    elements: list[tuple[str, ElementType]] = []
    counter = [0]

    def peek():
        return toks[pos] if pos < len(toks) else None

    def take(expected=None):
        nonlocal pos
        t = peek()
        if t is None or (expected is not None and t != expected):
            raise ParameterError(f"circuit '{text}': expected {expected or 'more input'!r} at token {pos}, found {t!r}")
        pos += 1
        return t

    def series():
        items = [term()]
        while peek() == "-":
            take("-")
            items.append(term())
        return items[0] if len(items) == 1 else _Node("s", items)

    def term():
        t = peek()
        if t == "p(":
            take("p(")
            branches = [series()]
            while peek() == ",":
                take(",")
                branches.append(series())
            take(")")
            if len(branches) < 2:
                raise ParameterError(f"circuit '{text}': p(...) needs at least two branches separated by ','")
            return _Node("p", branches)
        if t is None or not re.match(r"[A-Za-z]", t):
            raise ParameterError(f"circuit '{text}': expected an element or 'p(' at token {pos}, found {t!r}")
        take()
        etype = next((ELEMENTS[pf] for pf in _PREFIXES if t.startswith(pf) and (len(t) == len(pf) or not t[len(pf)].isalpha())), None)
        if etype is None:
            raise ParameterError(f"circuit '{text}': unknown element '{t}'; element names start with one of {', '.join(sorted(ELEMENTS))} followed by an index (R0, CPE1, Wo2)")
        if any(n == t for n, _ in elements):
            raise ParameterError(f"circuit '{text}': element name '{t}' is used twice; give each element its own index")
        node = _Node("el", [], name=t, etype=etype, start=counter[0])
        counter[0] += len(etype.params)
        elements.append((t, etype))
        return node

    tree = series()
    if pos != len(toks):
        raise ParameterError(f"circuit '{text}': unexpected {toks[pos]!r} after a complete circuit")
    return tree, elements


def _evaluate(node: _Node, w: np.ndarray, p: np.ndarray, P: int, jac: bool):
    if node.kind == "el":
        assert node.etype is not None  # parse_circuit gives every element node its type
        k = len(node.etype.params)
        z, dz = node.etype.func(w, p[node.start : node.start + k])
        if not jac:
            return z, None
        J = np.zeros((w.size, P), dtype=complex)
        J[:, node.start : node.start + k] = dz
        return z, J
    parts = [_evaluate(c, w, p, P, jac) for c in node.children]
    if node.kind == "s":
        z = sum(zp for zp, _ in parts)
        return z, (sum(Jp for _, Jp in parts) if jac else None)
    y = sum(1.0 / zp for zp, _ in parts)
    z = 1.0 / y
    if not jac:
        return z, None
    J = sum(((z / zp) ** 2)[:, None] * Jp for zp, Jp in parts)
    return z, J


# ------------------------------------------------------------------------------------------------
# the estimator
# ------------------------------------------------------------------------------------------------
class Circuit:
    """An equivalent circuit (estimator style: ``fit`` returns self, results end in ``_``).

    Parameters
    ----------
    circuit : str
        Circuit string, e.g. ``"R0-p(R1,CPE1)-p(R2,CPE2)-Wo1"`` (see module docstring).
    initial_guess : dict or sequence, optional
        Starting values (SI units, per parameter name such as ``"CPE1_Q"`` or in order). When
        omitted they are derived automatically from a DRT of the data.
    constants : dict, optional
        Parameters held fixed, ``{"R0": 10.0}``.
    bounds : dict, optional
        ``{"CPE1_n": (0.7, 1.0)}`` overriding the element defaults.
    weighting : {"modulus", "unit", "proportional"} or array
        Residual weights (:mod:`lisse.analysis.eis.weighting`): 1/|Z| (default), 1, 1/|Z'| and 1/|Z''|
        separately, or a per-point σ [ohm].
    n_starts : int
        Number of starting points tried (the best fit is kept).

    Raises
    ------
    ParameterError
        For a malformed circuit string, unknown parameter names, bad bounds or an unknown weighting.

    References
    ----------
    .. [1] M. E. Orazem and B. Tribollet, *Electrochemical Impedance Spectroscopy*, 2nd ed. (Wiley, 2017),
       doi:10.1002/9781119363682 (elements, Warburg and Gerischer impedances, weighted complex fitting).
    .. [2] R. de Levie, Electrochim. Acta 8, 751 (1963), doi:10.1016/0013-4686(63)80042-0 (transmission line).
    .. [3] J. Bisquert, Phys. Chem. Chem. Phys. 2, 4185 (2000), doi:10.1039/B001708F (TLM boundaries).
    .. [4] S. Havriliak and S. Negami, Polymer 8, 161 (1967), doi:10.1016/0032-3861(67)90021-3.
    """

    def __init__(
        self,
        circuit: str,
        initial_guess: Mapping[str, float] | ArrayLike | None = None,
        constants: Mapping[str, float] | None = None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
        weighting: str | ArrayLike = "modulus",
        n_starts: int = 4,
    ) -> None:
        example = 'Circuit("R0-p(R1,CPE1)", initial_guess=...).fit(spectrum)'
        refuse_data("Circuit", "spectrum", example, scalars=("circuit", "constants", "bounds", "n_starts"), circuit=circuit, initial_guess=initial_guess,
                    constants=constants, bounds=bounds, weighting=weighting, n_starts=n_starts)
        if not isinstance(circuit, str):
            raise ParameterError(f"Circuit: expected a circuit string such as 'R0-p(R1,CPE1)'; found {type(circuit).__name__}")
        for what, value in (("constants", constants), ("bounds", bounds)):
            if value is not None and not isinstance(value, Mapping):
                raise ParameterError(f"Circuit {what}: expected a dict by parameter name ({{'R0': 10.0}}); found {type(value).__name__}")
        self.circuit = circuit
        self._tree, self._elements = parse_circuit(circuit)
        names, units, lo, hi = [], [], [], []
        for en, et in self._elements:
            for pn, u, b in zip(et.params, et.units, et.bounds):
                names.append(en if len(et.params) == 1 else f"{en}_{pn}")
                units.append(u)
                lo.append(b[0])
                hi.append(b[1])
        self.param_names = names
        self.param_units = dict(zip(names, units))
        self._lo = np.array(lo, float)
        self._hi = np.array(hi, float)
        for k, (low, high) in (bounds or {}).items():
            i = self._index(k, "bounds")
            if not low < high:
                raise ParameterError(f"Circuit bounds for '{k}': expected low < high, found ({low}, {high})")
            self._lo[i], self._hi[i] = low, high
        self.constants = {}
        for k, v in (constants or {}).items():
            self._index(k, "constants")
            self.constants[k] = float(v)
        self.initial_guess = initial_guess
        self.weighting = check_weighting(weighting, "Circuit", allow_sigma=True)
        if int(n_starts) < 1:
            raise ParameterError(f"Circuit n_starts: expected >= 1, found {n_starts}")
        self.n_starts = int(n_starts)

    def _index(self, name: str, what: str) -> int:
        name = str(name).strip()
        if name in self.param_names:
            return self.param_names.index(name)
        m = re.fullmatch(r"(.+)_(\d+)", name)  # impedance.py's positional names: CPE1_0 = CPE1_Q, R1_0 = R1
        if m:
            et = dict(self._elements).get(m.group(1))
            if et is not None and int(m.group(2)) < len(et.params):
                k = int(m.group(2))
                return self.param_names.index(m.group(1) if len(et.params) == 1 else f"{m.group(1)}_{et.params[k]}")
        try:
            return self.param_names.index(name)
        except ValueError:
            import difflib

            close = difflib.get_close_matches(name, self.param_names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ParameterError(f"Circuit {what}: unknown parameter '{name}' for circuit '{self.circuit}' (parameters: {', '.join(self.param_names)}){hint}") from None

    # -- model -----------------------------------------------------------------------------------
    def impedance(self, frequency: ArrayLike, params: ArrayLike) -> np.ndarray:
        """Evaluate Z at ``frequency`` for a full parameter vector.

        Parameters
        ----------
        frequency : array_like of float
            Frequencies in Hz.
        params : array_like of float
            Every parameter, in the order of ``param_names``, in SI units (Ω, F, H, s, F s^(n-1); exponents dimensionless).

        Returns
        -------
        ndarray of complex
            Impedance in Ω, shape ``(N,)``.
        """
        w = 2 * np.pi * np.asarray(frequency, float)
        return _evaluate(self._tree, w, np.asarray(params, float), len(self.param_names), False)[0]

    def jacobian(self, frequency: ArrayLike, params: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Evaluate Z and its analytic Jacobian dZ/dp at ``frequency``.

        Parameters
        ----------
        frequency : array_like of float
            Frequencies in Hz.
        params : array_like of float
            Every parameter, in the order of ``param_names``, in SI units.

        Returns
        -------
        z : ndarray of complex
            Impedance in Ω, shape ``(N,)``.
        jac : ndarray of complex
            dZ/dp, shape ``(N, P)``, in Ω per unit of each parameter.
        """
        w = 2 * np.pi * np.asarray(frequency, float)
        return _evaluate(self._tree, w, np.asarray(params, float), len(self.param_names), True)

    def predict(self, frequency: ArrayLike) -> np.ndarray:
        """Evaluate Z of the fitted circuit at ``frequency``.

        Parameters
        ----------
        frequency : array_like of float
            Frequencies in Hz.

        Returns
        -------
        ndarray of complex
            Impedance in Ω.

        Raises
        ------
        ParameterError
            If called before :meth:`fit`.
        """
        if not hasattr(self, "parameters_"):
            raise ParameterError("Circuit.predict: call fit() first (or use impedance(frequency, params))")
        return self.impedance(frequency, [self.parameters_[n] for n in self.param_names])

    # -- fitting -----------------------------------------------------------------------------------
    def _weights(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return residual_weights(z, self.weighting, "Circuit")

    def _auto_guesses(self, f: np.ndarray, z: np.ndarray) -> list[np.ndarray]:
        """Starting points: DRT peaks mapped onto the circuit's time-constant elements, plus spreads."""
        from lisse.analysis.eis.drt import DRT

        has_L = any(et.prefix == "L" for _, et in self._elements)
        try:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # an edge warning does not matter for a starting point
                d = DRT(inductance=has_L, uncertainty=False).fit(EISSpectrum(f, z))
            self._drt_misfit: float | None = d.median_relative_misfit_
            peaks = [(p.tau_s, p.resistance_ohm) for p in d.peaks_]
            r_inf = max(d.r_inf_, 1e-3 * float(np.min(np.abs(z))))
            L_guess = max(d.inductance_ or 0.0, 1e-9)  # None: the DRT had no inductor
        except (LisseError, ValueError, ArithmeticError, RuntimeError, np.linalg.LinAlgError):
            # the DRT cannot be computed for this spectrum (too few points, no convergence, singular
            # system): fall back to spread guesses; any other exception is a bug and propagates
            peaks, r_inf, L_guess = [], float(np.min(z.real)), 1e-7
            self._drt_misfit = None
        tmin, tmax = 1 / (2 * np.pi * f.max()), 1 / (2 * np.pi * f.min())
        span = float(np.ptp(z.real)) or float(np.abs(z).max())
        # time-constant "slots": each element carrying a time constant, in circuit order
        slots = self._slots()
        n = len(slots)
        starts = []
        if peaks:
            pk = sorted(peaks)
            if len(pk) >= n:
                big = sorted(sorted(pk, key=lambda t: -t[1])[:n])
                starts.append(big)
            else:
                extra = [(t, span / max(n, 1)) for t in np.geomspace(tmin, tmax, n - len(pk) + 2)[1:-1]]
                starts.append(sorted(pk + extra))
        for k in range(max(self.n_starts - len(starts), 1)):
            shift = (k % 3 - 1) * 0.5  # decades
            taus = np.geomspace(tmin, tmax, n + 2)[1:-1] * 10**shift if n else np.zeros(0)
            starts.append([(t, span / max(n, 1)) for t in taus])
        out = []
        for st in starts[: self.n_starts]:
            out.append(self._fill(st, r_inf, L_guess, span))
        return out

    def _slots(self) -> list:
        """Element groups that carry one time constant, fastest expected first.

        An R in parallel with a C/CPE (directly, or at the head of the other branch as in a
        Randles circuit ``p(R1-Wo1,CPE1)``) forms one arc; Havriliak-Negami, transmission-line,
        Gerischer and finite/semi-infinite Warburg elements follow, in that order (diffusion is
        usually the slowest process), keeping circuit order within each group.
        """
        slots: list[tuple[Any, ...]] = []  # (rank, "el", node) or (rank, "pair", resistor, capacitor)
        paired_R: set[int] = set()

        def first_R(node):
            if node.kind == "el":
                return node if node.etype.prefix == "R" else None
            if node.kind == "s":
                for c in node.children:
                    if c.kind == "el" and c.etype.prefix == "R":
                        return c
            return None

        def walk(node):
            if node.kind == "p":
                caps = [c for c in node.children if c.kind == "el" and c.etype.prefix in ("C", "CPE")]
                others = [c for c in node.children if not (c.kind == "el" and c.etype.prefix in ("C", "CPE"))]
                rs = [first_R(c) for c in others]
                rs = [r for r in rs if r is not None]
                if len(caps) == 1 and rs:
                    slots.append((0, "pair", rs[0], caps[0]))
                    paired_R.add(id(rs[0]))
                    for c in others:
                        walk(c)
                    return
            if node.kind == "el":
                pf = node.etype.prefix
                rank = {"C": 0, "CPE": 0, "HN": 0, "TLM": 1, "G": 2, "Wo": 3, "Ws": 3, "W": 4}.get(pf)
                if rank is not None:
                    slots.append((rank, "el", node))
                return
            for c in node.children:
                walk(c)

        walk(self._tree)
        slots.sort(key=lambda t: t[0])  # stable: circuit order within a rank
        return [t[1:] for t in slots]

    def _fill(self, taus_rs, r_inf, L_guess, span) -> np.ndarray:
        p = np.full(len(self.param_names), np.nan)
        slots = self._slots()
        for slot, (tau, r) in zip(slots, taus_rs):
            r = max(r, 1e-6 * span)
            if slot[0] == "pair":
                _, rn, cn = slot
                p[rn.start] = r
                if cn.etype.prefix == "C":
                    p[cn.start] = tau / r
                else:
                    p[cn.start], p[cn.start + 1] = tau**0.9 / r, 0.9
            else:
                node = slot[1]
                pf, s = node.etype.prefix, node.start
                if pf in ("Wo", "Ws", "G"):
                    p[s], p[s + 1] = r, tau
                elif pf == "HN":
                    p[s : s + 4] = (r, tau, 0.9, 0.9)
                elif pf == "TLM":
                    p[s : s + 4] = (r, r, tau**0.9 / r, 0.9)
                elif pf == "W":
                    p[s] = r * math.sqrt(2 * math.pi / tau) / 10
                elif pf == "C":
                    p[s] = tau / r
                elif pf == "CPE":
                    p[s], p[s + 1] = tau**0.9 / r, 0.9
        first_R = True
        for en, et in self._elements:
            i = self.param_names.index(en) if len(et.params) == 1 else None
            if i is None or not np.isnan(p[i]):
                continue
            if et.prefix == "R":
                p[i] = r_inf if first_R else span / 4
                first_R = False
            elif et.prefix == "L":
                p[i] = L_guess
            elif et.prefix == "C":
                p[i] = 1e-6
            elif et.prefix == "W":
                p[i] = span / 10
        # anything left: mid-range defaults
        for i, n in enumerate(self.param_names):
            if np.isnan(p[i]):
                if n.endswith(("_n", "_alpha", "_beta")):
                    p[i] = 0.9
                elif n.endswith("_tau"):
                    p[i] = 1e-3
                elif n.endswith("_Q"):
                    p[i] = 1e-5
                else:
                    p[i] = span / 4
        return p

    def fit(self, spectrum: EISSpectrum | ArrayLike, impedance: ArrayLike | None = None) -> Circuit:
        """Fit the circuit to an :class:`EISSpectrum` (or to ``frequency``, ``impedance`` arrays).

        Weighted non-linear least squares on stacked real and imaginary residuals, several starting
        points; standard errors from ``cov = s² (JᵀJ)⁻¹`` at the optimum. Sets ``parameters_`` (dict, SI),
        ``std_`` (dict, standard errors, SI), ``cov_``, ``z_fit_`` (Ω), ``stats_`` (chi2, reduced chi2, RMS
        relative error, median relative misfit, AIC, BIC, n_points, n_free) and ``n_starts_tried_``.

        Parameters
        ----------
        spectrum : EISSpectrum or array_like of float
            The measured spectrum, or the frequencies in Hz when ``impedance`` is given.
        impedance : array_like of complex, optional
            Measured impedance in Ω, when ``spectrum`` is a frequency array.

        Returns
        -------
        Circuit
            ``self``, fitted.

        Raises
        ------
        ParameterError
            For bad input, too few points for the free parameters, or a wrong-length initial guess.
        ConvergenceError
            If no starting point converges.

        References
        ----------
        .. [1] M. E. Orazem and B. Tribollet, *Electrochemical Impedance Spectroscopy*, 2nd ed. (Wiley, 2017),
           doi:10.1002/9781119363682.
        """
        from scipy.optimize import least_squares

        register("Orazem2017")
        if isinstance(spectrum, EISSpectrum):
            f, z = spectrum.frequency, spectrum.impedance
        else:
            if impedance is None or isinstance(spectrum, (str, bytes, os.PathLike)):
                raise ParameterError(f"Circuit.fit: expected an EISSpectrum or (frequency_Hz, impedance_ohm) arrays; found "
                                     f"{type(spectrum).__name__}{read_hint(spectrum, 'lisse.io.read_spectrum')}")
            f, z = np.asarray(spectrum, float), np.asarray(impedance, complex)
        if f.size * 2 <= len(self.param_names) - len(self.constants):
            raise ParameterError(f"Circuit.fit: {f.size} points cannot determine {len(self.param_names) - len(self.constants)} parameters")
        wr, wi = self._weights(z)
        P = len(self.param_names)
        fixed = np.zeros(P, bool)
        for k in self.constants:
            fixed[self._index(k, "constants")] = True
        free = ~fixed
        # transforms to an unconstrained problem (Levenberg-Marquardt): log for (0, inf),
        # logistic for finite (a, b), identity for (-inf, inf); other half-bounded ones use TRF
        logp = free & (self._lo == 0) & np.isinf(self._hi)
        sigp = free & np.isfinite(self._lo) & np.isfinite(self._hi)
        other = free & ~logp & ~sigp & (np.isfinite(self._lo) | np.isfinite(self._hi))
        lo_f, hi_f = self._lo, self._hi

        # starting points
        if self.initial_guess is not None:
            g = self.initial_guess
            if isinstance(g, dict):
                p0 = np.full(P, np.nan)
                for k, v in g.items():
                    p0[self._index(k, "initial_guess")] = float(v)
                for k, v in self.constants.items():
                    p0[self._index(k, "constants")] = v
                if np.isnan(p0).any():
                    # a partial guess: the other parameters start from the automatic guesses
                    given = ~np.isnan(p0)
                    guesses = [np.where(given, p0, gp) for gp in self._auto_guesses(f, z)]
            else:
                p0 = np.asarray(g, float).copy()
                if p0.size != P:
                    raise ParameterError(f"Circuit initial_guess: expected {P} values ({', '.join(self.param_names)}), found {p0.size}")
            if not np.isnan(p0).any():
                guesses = [p0]
                self._drt_misfit = None
        else:
            guesses = self._auto_guesses(f, z)
        for gp in guesses:
            for k, v in self.constants.items():
                gp[self._index(k, "constants")] = v

        w = 2 * np.pi * f
        lf, sf = logp[free], sigp[free]
        a_s, b_s = lo_f[free], hi_f[free]

        def to_theta(p):
            q = p[free].astype(float).copy()
            q[lf] = np.log(np.maximum(q[lf], 1e-300))
            u = np.clip((q[sf] - a_s[sf]) / (b_s[sf] - a_s[sf]), 1e-9, 1 - 1e-9)
            q[sf] = np.log(u / (1 - u))
            return q

        def from_theta(theta, base):
            p = base.copy()
            q = theta.copy()
            q[lf] = np.exp(q[lf])
            sg = 1 / (1 + np.exp(-q[sf]))
            q[sf] = a_s[sf] + (b_s[sf] - a_s[sf]) * sg
            p[free] = q
            return p

        def dp_dtheta(theta, p):
            d = np.ones(theta.size)
            d[lf] = p[free][lf]
            sg = 1 / (1 + np.exp(-theta[sf]))
            d[sf] = (b_s[sf] - a_s[sf]) * sg * (1 - sg)
            return d

        def make(base):
            def resid(theta):
                p = from_theta(theta, base)
                zm = _evaluate(self._tree, w, p, P, False)[0]
                return np.concatenate([(zm.real - z.real) * wr, (zm.imag - z.imag) * wi])

            def jac(theta):
                p = from_theta(theta, base)
                _, J = _evaluate(self._tree, w, p, P, True)
                J = J[:, free] * dp_dtheta(theta, p)[None, :]
                return np.vstack([J.real * wr[:, None], J.imag * wi[:, None]])

            return resid, jac

        use_lm = not other.any() and 2 * f.size >= free.sum()
        lo_t = np.where(other, lo_f, -np.inf)[free]
        hi_t = np.where(other, hi_f, np.inf)[free]
        k_free = int(free.sum())

        def run(th0, base, nfev, tight):
            resid, jac = make(base)
            tol = 1e-12 if tight else 1e-6
            kw = dict(jac=jac, max_nfev=nfev, ftol=tol, xtol=tol, gtol=tol)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                if use_lm:
                    return least_squares(resid, th0, method="lm", **kw)
                return least_squares(resid, np.clip(th0, lo_t, hi_t), bounds=(lo_t, hi_t), method="trf", x_scale="jac", **kw)

        # multi-start: fit from each start in turn (DRT-based start first) and stop as soon as the
        # fit is as good as the model-free DRT reproduction of the same data (then it cannot be
        # stuck in a wrong minimum); otherwise keep the best of all starts
        best = None
        n_tried = 0
        for gp in guesses:
            gp = np.clip(gp, np.where(lo_f > 0, lo_f, -np.inf), hi_f)
            gp = np.where(logp & (gp <= 0), 1e-12, gp)
            base = gp.copy()
            n_tried += 1
            try:
                sol = run(to_theta(gp), base, 100 * (k_free + 1), True)
            except (ValueError, np.linalg.LinAlgError):
                continue
            if not np.all(np.isfinite(sol.x)):
                continue
            if best is None or sol.cost < best[0].cost:
                best = (sol, base)
            if self._drt_misfit is not None:
                zf = _evaluate(self._tree, w, from_theta(sol.x, base), P, False)[0]
                if np.median(np.abs(zf - z) / np.abs(z)) <= 1.5 * self._drt_misfit:
                    break
        if best is None:
            raise ConvergenceError(f"Circuit.fit: no starting point converged for '{self.circuit}'")
        self.n_starts_tried_ = n_tried
        self._data_range = (float(np.abs(z).min()), float(np.abs(z).max()), float(w.min()), float(w.max()))
        sol, base = best
        p = from_theta(sol.x, base)
        self.parameters_ = dict(zip(self.param_names, p.tolist()))
        m = 2 * f.size
        n_free = int(free.sum())
        chi2 = 2 * float(sol.cost)
        s2 = chi2 / max(m - n_free, 1)
        Jt = sol.jac
        try:
            cov_t = s2 * np.linalg.pinv(Jt.T @ Jt)
        except np.linalg.LinAlgError:  # pragma: no cover
            cov_t = np.full((n_free, n_free), np.nan)
        scale = dp_dtheta(sol.x, p)
        cov = cov_t * np.outer(scale, scale)
        std = np.zeros(P)
        std[free] = np.sqrt(np.clip(np.diag(cov), 0, None))
        self.cov_ = cov
        self.std_ = dict(zip(self.param_names, std.tolist()))
        zf = self.impedance(f, p)
        self.z_fit_ = zf
        self.spectrum_ = spectrum if isinstance(spectrum, EISSpectrum) else EISSpectrum(f, z, label="data")
        rel = np.abs(zf - z) / np.abs(z)
        self.stats_ = {
            "chi2": chi2,
            "reduced_chi2": s2,
            "rms_relative_error": float(np.sqrt(np.mean(rel**2))),
            "median_relative_misfit": float(np.median(rel)),
            "aic": float(m * math.log(max(chi2 / m, 1e-300)) + 2 * n_free),
            "bic": float(m * math.log(max(chi2 / m, 1e-300)) + n_free * math.log(m)),
            "n_points": int(f.size),
            "n_free": n_free,
            "success": bool(sol.success),
        }
        return self

    # -- display -----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        """The circuit string and, once fitted, the parameters (SI, with units) and the misfit; at most ~200 characters."""
        head = f"Circuit({self.circuit!r}"
        if not hasattr(self, "parameters_"):
            fixed = f", constants={short(self.constants, 40)}" if self.constants else ""
            return f"{head}{fixed}, not fitted)"
        tail = f"; misfit {100 * self.stats_['median_relative_misfit']:.2g} %)"
        parts: list[str] = []
        budget = 200 - len(head) - len(tail) - 10
        for n in self.param_names:
            item = f"{n}={self.parameters_[n]:.3g}{_unit_suffix(self.param_units[n])}"
            if sum(len(x) + 2 for x in parts) + len(item) > budget:
                parts.append("…")
                break
            parts.append(item)
        return f"{head}: {', '.join(parts)}{tail}"

    def _repr_html_(self) -> str:
        if not hasattr(self, "parameters_"):
            return html_table(f"Circuit {self.circuit} (not fitted)", [(n, self.param_units[n]) for n in self.param_names])
        flags = self.parameter_flags()
        rows = [(n, f"{self.parameters_[n]:.4g} ± {self.std_[n]:.2g}{_unit_suffix(self.param_units[n])}"
                 + (f"  ({'; '.join(flags[n])})" if flags[n] else "")) for n in self.param_names]
        rows.append(("median misfit", f"{100 * self.stats_['median_relative_misfit']:.3g} %"))
        return html_table(f"Circuit {self.circuit}", rows)

    def plot(self, kind: str = "nyquist", *, ax=None, axes=None, **kwargs):
        """The fitted data with the model curve (:mod:`lisse.plot.eis`); returns the Figure.

        Parameters
        ----------
        kind : {"nyquist", "bode"}
            :func:`lisse.plot.eis.nyquist` (``ax=``) or :func:`lisse.plot.eis.bode` (``axes=``, two Axes).
        ax, axes : matplotlib Axes, optional
            Where to draw (default: a new figure).
        **kwargs
            Passed on (``title``, ...).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (the user's when ``ax``/``axes`` is given).

        Raises
        ------
        ParameterError
            The circuit is not fitted, or ``kind`` is unknown.
        """
        if not hasattr(self, "z_fit_"):
            raise ParameterError("Circuit.plot: fit() the circuit first")
        if kind not in ("nyquist", "bode"):
            raise ParameterError(f"Circuit.plot kind: expected 'nyquist' or 'bode'; found {kind!r}")
        kwargs.setdefault("fit_label", self.circuit)
        if kind == "nyquist":
            return plot_with("lisse.plot.eis:nyquist", self.spectrum_, self.z_fit_, ax=ax, axes=axes, **kwargs)
        return plot_with("lisse.plot.eis:bode", self.spectrum_, self.z_fit_, ax=ax, axes=axes, **kwargs)

    def _at_bound(self, i: int) -> bool:
        """True when parameter i ended on (or numerically at) a finite bound, or ran off to 0/inf in
        log space: its standard error is then not meaningful."""
        v = self.parameters_[self.param_names[i]]
        lo, hi = self._lo[i], self._hi[i]
        tol = 1e-6 * max(abs(v), 1e-300)
        if np.isfinite(hi) and hi - v <= tol + 1e-9 * abs(hi):
            return True
        if lo != 0 and np.isfinite(lo) and v - lo <= tol + 1e-9 * abs(lo):
            return True
        return bool(v <= 0 or not np.isfinite(v) or (lo == 0 and np.isinf(hi) and (v < 1e-30 or v > 1e30)))

    def parameter_flags(self) -> dict[str, list[str]]:
        """Say why each fitted parameter is suspect (empty list: nothing found); limits in :data:`PLAUSIBILITY`.

        Flags: ``at bound`` (on a finite bound, or run off to 0/inf in log space), ``implausible: ...``
        (a resistance far above the data's max|Z|, an element that is a short or an open circuit at
        every measured frequency, a time constant decades outside the measured range, an exponent
        outside [0, 1]) and ``relative std > 100 %``. Fixed parameters are never flagged.

        Returns
        -------
        dict of str to list of str
            Parameter name -> flags.

        Raises
        ------
        ParameterError
            If called before :meth:`fit`.
        """
        if not hasattr(self, "parameters_"):
            raise ParameterError("Circuit.parameter_flags: call fit() first")
        t = PLAUSIBILITY
        zmin, zmax, wmin, wmax = self._data_range
        w = np.geomspace(wmin, wmax, 25)
        out: dict[str, list[str]] = {}
        for i, n in enumerate(self.param_names):
            v, sd, u = self.parameters_[n], self.std_[n], self.param_units[n]
            fl: list[str] = []
            if n in self.constants:
                out[n] = fl
                continue
            if self._at_bound(i):
                fl.append("at bound")
            if not np.isfinite(v):
                fl.append("implausible: not finite")
            elif u == "ohm" and abs(v) > t["resistance_max_x_max_abs_z"] * zmax:
                fl.append(f"implausible: {v:.3g} ohm > {t['resistance_max_x_max_abs_z']:.0e} x max|Z| ({zmax:.3g} ohm)")
            elif u == "s" and not (wmax ** -1 * 10 ** -t["tau_decades_outside"] <= v <= wmin ** -1 * 10 ** t["tau_decades_outside"]):
                fl.append(f"implausible: tau {v:.3g} s more than {t['tau_decades_outside']:.0f} decades outside the measured range")
            elif n.endswith(("_n", "_alpha", "_beta")) and not 0 <= v <= 1:
                fl.append(f"implausible: exponent {v:.3g} outside [0, 1]")
            elif u in ("F", "F s^(n-1)", "H"):
                el = n.split("_")[0]
                if u == "F":
                    ze = 1 / (w * v)
                elif u == "H":
                    ze = w * v
                else:
                    ze = 1 / (v * w ** self.parameters_.get(f"{el}_n", 1.0))
                if np.all(ze < t["short_x_min_abs_z"] * zmin):
                    fl.append(f"implausible: |Z| of {el} < {t['short_x_min_abs_z']:.0e} x min|Z| at every measured frequency (a short)")
                elif np.all(ze > t["open_x_max_abs_z"] * zmax):
                    fl.append(f"implausible: |Z| of {el} > {t['open_x_max_abs_z']:.0e} x max|Z| at every measured frequency (an open circuit)")
            if np.isfinite(v) and v != 0 and (not np.isfinite(sd) or sd / abs(v) > t["max_relative_std"]):
                fl.append(f"relative std > {100 * t['max_relative_std']:.0f} %")
            out[n] = fl
        return out

    def bulk_element(self, name: str | None = None) -> str:
        """Name the resistor taken as the bulk (ionic) resistance of a pellet.

        Default: the first resistor, in circuit order, inside a parallel block ``p(...)`` -- the
        first arc after the series resistance, e.g. R1 in ``R0-p(R1,CPE1)-p(R2,CPE2)``; with no
        such resistor, the series R (``R0-CPE1``: the bulk arc above the measured range).

        Parameters
        ----------
        name : str or None, optional
            Choose the resistor explicitly (it must be a resistor of the circuit).

        Returns
        -------
        str
            The element name (e.g. ``"R1"``).

        Raises
        ------
        ParameterError
            If ``name`` is not a resistor of the circuit, or the circuit has no resistor.
        """
        if name is not None:
            i = self._index(name, "bulk")
            n = self.param_names[i]
            if self.param_units[n] != "ohm" or n not in dict(self._elements) or dict(self._elements)[n].prefix != "R":
                raise ParameterError(f"bulk: expected a resistor of '{self.circuit}' ({', '.join(e for e, t in self._elements if t.prefix == 'R')}), found '{name}'")
            return n

        def first_in_parallel(node, inside):
            if node.kind == "el":
                return node.name if inside and node.etype.prefix == "R" else None
            for c in node.children:
                r = first_in_parallel(c, inside or node.kind == "p")
                if r:
                    return r
            return None

        r = first_in_parallel(self._tree, False)
        if r is None:
            rs = [e for e, t in self._elements if t.prefix == "R"]
            if not rs:
                raise ParameterError(f"bulk: circuit '{self.circuit}' has no resistor to take as the bulk resistance")
            r = rs[0]
        return r

    def summary(self) -> dict:
        """Summarise the fit as JSON-able data: parameters with units, standard errors and flags, and statistics.

        ``flagged`` lists the parameters with a non-empty ``flags`` list (see :meth:`parameter_flags`);
        ``warnings`` says why, one line each.

        Returns
        -------
        dict
            Circuit, parameters (value, unit, std, flags), fit statistics, ``flagged`` and ``warnings``.
        """
        flags = self.parameter_flags()
        return {
            "circuit": self.circuit,
            "parameters": [
                {
                    "name": n,
                    "value": self.parameters_[n],
                    "std": self.std_[n],
                    "unit": self.param_units[n],
                    "fixed": n in self.constants,
                    "at_bound": self._at_bound(i),
                    "flags": flags[n],
                }
                for i, n in enumerate(self.param_names)
            ],
            "flagged": [n for n in self.param_names if flags[n]],
            "warnings": [f"{n} = {self.parameters_[n]:.4g}{_unit_suffix(self.param_units[n])}: {'; '.join(flags[n])}" for n in self.param_names if flags[n]],
            "stats": dict(self.stats_),
        }


_SI_UNITS = {"ohm", "F", "H", "s", "1"}


def _unit_suffix(unit: str) -> str:
    return "" if unit == "1" else f" {unit}"


def _param_value(text, unit: str, where: str) -> float:
    """One parameter value: a number (SI, or the parameter's own unit) or a quantity string where
    the unit is a plain one (``"10 kohm"``, ``"5 nF"``, ``"1 us"``)."""
    from lisse.units import parse_quantity

    if unit in _SI_UNITS:
        return parse_quantity(text, "dimensionless" if unit == "1" else unit, where)
    try:
        v = float(text)
    except (TypeError, ValueError):
        raise ParameterError(f"{where}: expected a bare number in {unit} (SI), found {text!r}") from None
    if not math.isfinite(v):
        raise ParameterError(f"{where}: expected a finite number, found {text!r}")
    return v


def _items(spec, what: str):
    if spec is None or spec == "" or spec == {}:
        return []
    if isinstance(spec, dict):
        return list(spec.items())
    parts = []
    for chunk in ([spec] if isinstance(spec, str) else list(spec)):
        for piece in str(chunk).split(","):
            if not piece.strip():
                continue
            if "=" not in piece:
                raise ParameterError(f"{what}: expected NAME=VALUE (e.g. R1=10 kohm), found {piece.strip()!r}")
            k, v = piece.split("=", 1)
            parts.append((k.strip(), v.strip()))
    return parts


def parse_parameter_values(spec: Any, circuit: Circuit, what: str = "initial") -> dict[str, float]:
    """Read parameter values from ``"R0=100,R1=10 kohm,CPE1_0=1e-9"`` (CLI; repeatable) or a mapping (study).

    Names are the circuit's parameter names (``CPE1_Q``, ``CPE1_n``) or impedance.py's positional ones
    (``CPE1_0``, ``CPE1_1``).

    Parameters
    ----------
    spec : str, list of str, mapping or None
        The values; numbers are SI, and ohm/F/H/s parameters also take quantities with a unit (``"10 kohm"``).
    circuit : Circuit
        The circuit whose parameter names are allowed.
    what : str, default "initial"
        What the values are, for error messages (``"initial"``, ``"fixed"``).

    Returns
    -------
    dict of str to float
        ``{parameter name: SI value}`` (empty for None).

    Raises
    ------
    ParameterError
        For an unknown parameter name or a malformed entry.
    UnitError
        For a quantity with the wrong unit.
    """
    out: dict[str, float] = {}
    for k, v in _items(spec, f"--{what}"):
        n = circuit.param_names[circuit._index(k, what)]
        out[n] = _param_value(v, circuit.param_units[n], f"--{what} {k}")
    return out


def parse_parameter_bounds(spec: Any, circuit: Circuit) -> dict[str, tuple[float, float]]:
    """Read parameter bounds from ``"R1=10:1e7,CPE1_n=0.7:1"`` (CLI) or a mapping (study).

    A mapping is ``{"R1": [10, 1e7]}`` or ``{"R1": "10 ohm:10 Mohm"}``; an empty side is unbounded (``R1=10:``).

    Parameters
    ----------
    spec : str, list of str, mapping or None
        The bounds; numbers are SI, quantities with a unit are converted.
    circuit : Circuit
        The circuit whose parameter names are allowed.

    Returns
    -------
    dict of str to (float, float)
        ``{parameter name: (low, high)}`` in SI units (±inf for an open side).

    Raises
    ------
    ParameterError
        For an unknown name, a malformed entry, or low >= high.
    """
    out: dict[str, tuple[float, float]] = {}
    for k, v in _items(spec, "--bounds"):
        n = circuit.param_names[circuit._index(k, "bounds")]
        u = circuit.param_units[n]
        if isinstance(v, str):
            if ":" not in v:
                raise ParameterError(f"--bounds {k}: expected LOW:HIGH (e.g. {k}=10:1e7), found {v!r}")
            lo_s, hi_s = v.split(":", 1)
        else:
            try:
                lo_s, hi_s = v
            except (TypeError, ValueError):
                raise ParameterError(f"bounds {k}: expected [low, high], found {v!r}") from None
        lo = -math.inf if str(lo_s).strip() == "" else _param_value(lo_s, u, f"--bounds {k} low")
        hi = math.inf if str(hi_s).strip() == "" else _param_value(hi_s, u, f"--bounds {k} high")
        if not lo < hi:
            raise ParameterError(f"--bounds {k}: expected low < high, found {lo_s!r}:{hi_s!r}")
        out[n] = (lo, hi)
    return out
