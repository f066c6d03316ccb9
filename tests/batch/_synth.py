"""Synthetic cycler files with known answers for the batch tests (written by the tests; no shared data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def fullcell_csv(path: Path, *, n_cycles: int = 3, current_mA: float = 1.0, half_cycle_s: float = 3600.0, dt_s: float = 10.0,
                 rest_s: float = 300.0) -> Path:
    """A generic-CSV full cell: charge at +current_mA then discharge at -current_mA for half_cycle_s each, rests between.

    Each complete cycle's discharge capacity is current_mA * half_cycle_s / 3600 mAh (analytic).
    """
    t, v, i = [], [], []
    now = 0.0

    def seg(duration, cur, v0, v1):
        nonlocal now
        n = int(round(duration / dt_s))
        for k in range(n):
            t.append(now)
            v.append(v0 + (v1 - v0) * k / max(n - 1, 1))
            i.append(cur)
            now += dt_s

    seg(rest_s, 0.0, 3.0, 3.0)
    for _ in range(n_cycles):
        seg(half_cycle_s, current_mA, 3.2, 4.1)
        seg(rest_s, 0.0, 4.05, 4.05)
        seg(half_cycle_s, -current_mA, 4.0, 3.1)
        seg(rest_s, 0.0, 3.15, 3.15)
    lines = ["time/s,Ewe/V,I/mA"] + [f"{a:.1f},{b:.6f},{c:.6f}" for a, b, c in zip(t, v, i)]
    path.write_text("\n".join(lines) + "\n")
    return path


def symmetric_csv(path: Path, *, seed: int = 0) -> Path:
    """A generic-CSV Li|SSE|Li CCD staircase (lisse's synthetic generator; 0.785 cm2; CCD 0.5 mA/cm2 by construction)."""
    from lisse.sim.synthetic_cycling import ccd_staircase

    rec, _ = ccd_staircase(area="0.785 cm2", seed=seed, j_critical="0.55 mA/cm2")
    lines = ["time/s,Ewe/V,I/mA"] + [f"{a:.3f},{b:.7f},{c:.7f}" for a, b, c in zip(rec.time_s, rec.voltage_V, rec.current_A * 1e3)]
    path.write_text("\n".join(lines) + "\n")
    return path


def bad_files(folder: Path, shared_mpr: Path | None = None) -> dict[str, Path]:
    """A truncated .mpr (or random bytes named .mpr), random bytes named .ndax, an empty .csv, and prose in a .txt."""
    rng = np.random.default_rng(1)
    out = {}
    p = folder / "corrupt.mpr"
    if shared_mpr is not None and shared_mpr.exists():
        p.write_bytes(shared_mpr.read_bytes()[:3000])
    else:
        p.write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + rng.bytes(500))
    out["corrupt"] = p
    q = folder / "random.ndax"
    q.write_bytes(rng.bytes(4000))
    out["random"] = q
    e = folder / "empty.csv"
    e.write_text("")
    out["empty"] = e
    u = folder / "notes.txt"
    u.write_text("Cell 12 was assembled on Monday.\nThe pressure was 5 MPa and the stack looked fine.\n")
    out["unsupported"] = u
    return out


def three_arc_csv(path: Path, *, noise: float = 0.002, seed: int = 0) -> Path:
    """A plain-CSV impedance file of lisse's three-arc spectrum (R0 = 10 ohm, arcs 100/200/500 ohm at tau 1e-7/1e-5/1e-2 s)."""
    from lisse.analysis.eis.synthetic import three_arc_spectrum

    sp = three_arc_spectrum(noise=noise, seed=seed)
    lines = ["freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm"] + [f"{f:.8g},{z.real:.10g},{-z.imag:.10g}" for f, z in zip(sp.frequency, sp.impedance)]
    path.write_text("\n".join(lines) + "\n")
    return path
