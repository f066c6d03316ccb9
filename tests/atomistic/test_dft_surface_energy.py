"""Li(100) and Li(110) PBE surface energies with GPAW, from the extrapolated (Fiorentini-Methfessel) slab series.

Slow (a minute or two per surface on an idle core): GPAW plane waves, PBE lattice from a 3-point EOS in the test,
unrelaxed slabs of 3/5/7 planes. Published PBE references (see REFERENCES) are the independent check, within 10 %.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")
pytest.importorskip("gpaw")

from lisse.atomistic.convergence import ConvergenceLevel, gpaw_energy, surface_energy_convergence  # noqa: E402
from lisse.atomistic.dft import kpoint_mesh  # noqa: E402
from lisse.atomistic.structures import bulk  # noqa: E402

#: PBE surface energies of bcc Li [J/m2]: Tran et al., Surface energies of elemental crystals, Sci. Data 3, 160080
#: (2016), doi:10.1038/sdata.2016.80 (Crystalium database, entry Li mp-135, relaxed slabs, VASP PBE). The two
#: numbers were NOT re-read from the database in this session (the search tool reached only the paper's abstract);
#: they are the values as recalled and agree with other PBE slab studies (0.45-0.50 J/m2); a reviewer should check them.
REFERENCES = {(1, 0, 0): 0.46, (1, 1, 0): 0.50}

TINY = ConvergenceLevel("test", 0.02, 0.02, scans={"kspacing_inv_A": (0.2, 0.15), "cutoff_eV": (300.0, 350.0), "layers": (3, 5, 7),
                                                    "vacuum_A": (8.0, 10.0)},
                        base={"kspacing_inv_A": 0.15, "cutoff_eV": 300.0, "layers": 5, "vacuum_A": 10.0})
# base = the finer k-mesh and vacuum: measured (benchmarks/dft_surface_energy.py) 8 -> 10 A vacuum moves gamma by
# 5 %, k-spacing 0.2 -> 0.15 by 3 %; the cut-off (300 -> 400 eV) by < 0.1 % (it shifts every atom alike: the slope).


def gpaw_pw_energy(atoms, settings):  # plain GPAW for the lattice constant (bulk)
    from gpaw import GPAW, PW

    a = atoms.copy()
    a.calc = GPAW(mode=PW(float(settings["cutoff_eV"])), xc="PBE", kpts={"size": kpoint_mesh(a, float(settings["kspacing_inv_A"])), "gamma": True},
                  occupations={"name": "fermi-dirac", "width": 0.1}, convergence={"energy": 1e-6}, txt=None)
    return float(a.get_potential_energy())


@pytest.fixture(scope="module")
def li_pbe():
    li = bulk("Li")
    a0 = li.cell.lengths()[0]
    a = np.array([3.38, 3.44, 3.50])
    e = []
    for x in a:
        b = li.copy()
        b.set_cell(li.cell.array * x / a0, scale_atoms=True)
        e.append(gpaw_pw_energy(b, {"cutoff_eV": 350.0, "kspacing_inv_A": 0.15}))
    c = np.polyfit(a, e, 2)
    a_eq = -c[1] / (2 * c[0])
    assert 3.40 < a_eq < 3.48  # PBE bcc Li 3.43-3.44 A (a sanity window, not the tested number)
    li.set_cell(li.cell.array * a_eq / a0, scale_atoms=True)
    return li


@pytest.mark.slow
@pytest.mark.parametrize("miller", [(1, 0, 0), (1, 1, 0)])
def test_li_surface_energy_vs_published_pbe(li_pbe, miller):
    res = surface_energy_convergence(gpaw_energy("screening"), li_pbe, miller, TINY)  # lisse's GPAW adapter
    assert res.value == pytest.approx(REFERENCES[miller], rel=0.10)
    lay = [r for r in res.rows if r["parameter"] == "layers"]
    assert len(lay) == 2 and abs(lay[1]["change"]) < 0.05 * res.value  # the two-slab estimates settle with thickness
    assert {r["parameter"] for r in res.rows} == {"kspacing_inv_A", "cutoff_eV", "layers", "vacuum_A"}
