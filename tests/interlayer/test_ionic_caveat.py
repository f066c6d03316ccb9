"""An ionic layer's 1D verdict carries its caveat into the JSON and the results database, not only into the text.

Found by an independent audit: ``lisse interlayer --preset lni-0.5cnt --critical-current --json`` gave a critical
current of 5.57 mA/cm2 with ``warnings: []`` and the same bare number went into ``lisse db`` (Wang2024 measured 0.16).
The reference is the regime rule itself (sigma_e/sigma_ion: LNI-0.5CNT ionic, LNI-5CNT mixed; BRIEF section 3).
"""

from __future__ import annotations

import json

from lisse.cli.main import main
from lisse.io.resultsdb import ResultsDB
from lisse.sim.interlayer.lengths import TIP_GROWTH_CAVEAT


def test_ionic_layer_json_and_database_carry_the_tip_growth_caveat(tmp_path, capsys):
    db = tmp_path / "p.db"
    assert main(["interlayer", "--preset", "lni-0.5cnt", "--current-density", "1 mA/cm2", "--time", "1 h", "--critical-current",
                 "--db", str(db), "--cell", "ionic", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["regime"] == "ionic" and out["tip_growth_risk"] is True and TIP_GROWTH_CAVEAT in out["warnings"]
    with ResultsDB(db) as d:
        rows = d.query("SELECT parameters_json FROM predictions")
    info = json.loads(rows[0]["parameters_json"])
    assert info["regime"] == "ionic" and info["warnings"] == [TIP_GROWTH_CAVEAT]


def test_mixed_layer_has_no_tip_growth_caveat(capsys):
    assert main(["interlayer", "--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--time", "1 h", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["regime"] != "ionic" and TIP_GROWTH_CAVEAT not in out["warnings"]


def test_deposition_where_nothing_nucleates_is_flagged(capsys):
    # independent audit: LNI-50CNT at 0.5 mA/cm2 for 1 h deposits 85 % of the current inside the layer with l_n = 0 (no
    # point reaches eta_c) and read "stable" with no word; the reference is the result's own l_n and anode share
    from lisse.sim.interlayer.lengths import UNNUCLEATED_DEPOSITION_LIMIT, unnucleated_deposition_warning

    assert main(["interlayer", "--preset", "lni-50cnt", "--current-density", "0.5 mA/cm2", "--time", "1 h", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    inside = 1.0 - out["anode_plating_fraction"]
    assert out["nucleation_length_um"] == 0.0 and inside > 0.8
    assert any(w.startswith(f"{100 * inside:.0f} % of the current is deposited inside the layer") for w in out["warnings"])
    assert unnucleated_deposition_warning(1e-6, 0.1) is None  # Li nucleates somewhere: the lengths judge it
    assert unnucleated_deposition_warning(0.0, 1.0 - UNNUCLEATED_DEPOSITION_LIMIT) is None  # at the limit: not flagged
    assert unnucleated_deposition_warning(0.0, 0.5) is not None
