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
