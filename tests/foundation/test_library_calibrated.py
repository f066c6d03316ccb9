"""A library value fitted to an observation says so: in the Param, in `lisse materials`, and in every interface-model
prediction that takes it (the label comes from the library field, not from matching its source text)."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from lisse.errors import ParameterError
from lisse.materials import get_material, list_materials
from lisse.materials.library import _param_from_entry
from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, LI_SURFACE_ENERGY_CALIBRATION


def test_the_calibrated_library_values_are_the_two_resting_on_ji2025s_li2co3_pair():
    found = {(m.name, k): p.calibrated_on for m in list_materials() for k, p in m.properties.items() if p.calibrated_on}
    assert set(found) == {("Li", "surface_energy"), ("LLZTO-TfOH", "li_contact_angle")}
    # one text for sigma_Li's calibration: the library's equals the constant the models label with
    assert found["Li", "surface_energy"] == LI_SURFACE_ENERGY_CALIBRATION
    assert get_material("Li").param("surface_energy").value == pytest.approx(DEFAULT_LI_SURFACE_ENERGY, rel=2e-4)  # stored to 4 digits
    assert "via sigma_Li" in found["LLZTO-TfOH", "li_contact_angle"]
    # the angle's label quotes sigma_Li's calibration as the constant states it (one text, copied once)
    assert LI_SURFACE_ENERGY_CALIBRATION.split(": ", 1)[1] in found["LLZTO-TfOH", "li_contact_angle"]
    # a measured value is not calibrated
    assert get_material("LLZTO-air").param("li_contact_angle").calibrated_on == ""


def test_a_calibrated_field_that_is_not_text_is_refused_naming_the_entry():
    with pytest.raises(ParameterError, match=r"x\.toml: Li\.surface_energy\.calibrated must be text.*got 1"):
        _param_from_entry("Li", "surface_energy", {"value": 0.4, "unit": "J/m2", "source": "s", "calibrated": 1}, "x.toml")
    p, _ = _param_from_entry("Li", "surface_energy", {"value": 0.4, "unit": "J/m2", "source": "s", "calibrated": " obs "}, "x.toml")
    assert p.calibrated_on == "obs"
    with pytest.raises(ParameterError, match="calibrated must be text.*got ' '"):
        _param_from_entry("Li", "surface_energy", {"value": 0.4, "unit": "J/m2", "source": "s", "calibrated": " "}, "x.toml")
    assert _param_from_entry("Li", "surface_energy", {"value": 0.4, "unit": "J/m2", "source": "s"}, "x.toml")[0].calibrated_on == ""


def test_lisse_materials_marks_calibrated_values_in_json_and_text(capsys):
    from lisse.cli.main import main

    assert main(["materials", "Li", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["properties"]["surface_energy"]["calibrated_on"] == LI_SURFACE_ENERGY_CALIBRATION
    assert "calibrated_on" not in d["properties"]["density"]
    assert main(["materials", "Li"]) == 0
    text = capsys.readouterr().out
    line = [x for x in text.splitlines() if x.startswith("surface_energy")][0]
    assert "0.4245 *" in line
    assert [x for x in text.splitlines() if x.startswith("density")][0].split()[1] == "0.534"
    assert f"* Li.surface_energy is calibrated, fitted to {LI_SURFACE_ENERGY_CALIBRATION}" in text
    assert main(["materials"]) == 0
    text = capsys.readouterr().out
    assert text.count(" is calibrated, fitted to ") == 2



def test_a_calibrated_value_is_shown_as_the_table_formats_numbers(monkeypatch):
    from lisse.cli.common import fmt
    from lisse.cli.materials import _entry, render

    li = get_material("Li")
    p = li.properties["electronic_conductivity"]
    monkeypatch.setitem(li.properties, "electronic_conductivity", dataclasses.replace(p, calibrated_on="obs"))
    line = [x for x in render(_entry(li)).splitlines() if x.startswith("electronic_conductivity")][0]
    assert line.split()[1:3] == [fmt(p.value), "*"] and fmt(p.value) != str(p.value)  # 1.08e+05, not 108000.0


def test_the_interface_model_labels_any_library_value_marked_calibrated(monkeypatch):
    """Mark a measured library angle calibrated: the model must name it (the generic path, not the sigma text)."""
    from lisse.sim.interface.model import build_model

    air = get_material("LLZTO-air")
    p = air.properties["li_contact_angle"]
    assert "contact_angle" not in build_model(None, electrolyte="LLZTO", surface="LLZTO-air").calibrated
    monkeypatch.setitem(air.properties, "li_contact_angle", dataclasses.replace(p, calibrated_on="an observation X"))
    m = build_model(None, electrolyte="LLZTO", surface="LLZTO-air")
    assert m.calibrated["contact_angle"] == "an observation X"
    assert math.isclose(m.values["contact_angle"], math.radians(p.value), rel_tol=1e-12)
    # the user's own angle is the user's
    assert "contact_angle" not in build_model(None, electrolyte="LLZTO", surface="LLZTO-air", contact_angle="100 deg").calibrated


def test_an_interlayer_angle_marked_calibrated_reaches_the_electrode_contact_angle(monkeypatch):
    """With an interlayer, the Li electrode touches the interlayer: the contact angle it takes carries the label."""
    from lisse.sim.interface.model import build_model

    lni = get_material("LNI-5CNT")
    p = lni.properties["li_contact_angle"]
    monkeypatch.setitem(lni.properties, "li_contact_angle", dataclasses.replace(p, calibrated_on="observation Y"))
    m = build_model("LNI-5CNT", electrolyte="LNI")
    assert m.calibrated.get("interlayer_contact_angle") == "observation Y"
    assert m.calibrated.get("contact_angle") == "observation Y"
    # the user's interlayer angle is the user's; the electrode's contact angle is still the library's (taken from the
    # layer it touches) and keeps the label until the user gives it too
    m2 = build_model("LNI-5CNT", electrolyte="LNI", interlayer_contact_angle="60 deg")
    assert "interlayer_contact_angle" not in m2.calibrated and m2.calibrated.get("contact_angle") == "observation Y"
    m3 = build_model("LNI-5CNT", electrolyte="LNI", contact_angle="60 deg", interlayer_contact_angle="60 deg")
    assert "interlayer_contact_angle" not in m3.calibrated and "contact_angle" not in m3.calibrated


def test_a_graded_layers_cassie_angle_rests_on_its_fillers_library_angle(monkeypatch):
    from lisse.sim.interface.model import build_model

    mg = get_material("Mg")
    p = mg.properties["li_contact_angle"]
    assert "interlayer_contact_angle" not in build_model("LNI-25Mg", "18.5 um", electrolyte="LNI").calibrated
    monkeypatch.setitem(mg.properties, "li_contact_angle", dataclasses.replace(p, calibrated_on="observation Z"))
    m = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI")
    assert m.calibrated.get("interlayer_contact_angle") == "observation Z"
    assert m.calibrated.get("contact_angle") == "observation Z"  # the electrode touches the graded face


def test_a_graded_layers_cassie_angle_drops_a_label_of_the_library_angle_it_replaces(monkeypatch):
    from lisse.params import Param
    from lisse.sim.interface.model import build_model

    graded = get_material("LNI-25Mg")
    monkeypatch.setitem(graded.properties, "li_contact_angle", Param(100.0, "deg", "s", calibrated_on="observation W"))
    m = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI")
    assert "interlayer_contact_angle" not in m.calibrated  # the Cassie angle of the face, not the library's
    assert m.calibrated.get("contact_angle") == "observation W"  # the electrode's angle is the library's here


def test_the_library_value_typed_in_keeps_its_label_another_value_drops_it():
    """As for sigma_Li: a user who types in LLZTO-TfOH's 75.6 deg reproduces the calibrated case (within the typed-in
    tolerance of lisse.params.is_calibrated_value); 70 deg is the user's own."""
    from lisse.sim.interface.model import build_model

    same = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", contact_angle="75.6 deg")
    assert "via sigma_Li" in same.calibrated["contact_angle"]
    rad = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", contact_angle=math.radians(75.6))  # SI number
    assert "contact_angle" in rad.calibrated
    assert "contact_angle" not in build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", contact_angle="75 deg").calibrated


def test_with_keeps_the_label_of_a_calibrated_value_typed_in_again():
    """review s45 item 3: build_model and with_ agree on a typed-in library value; the depth ratio beside a new void
    size is another depth (the calibrated quantity is h_v), so it is not kept by this rule."""
    from lisse.sim.interface.model import build_model

    tfoh = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH")
    assert "contact_angle" in tfoh.with_(contact_angle="75.6 deg").calibrated
    assert "contact_angle" not in tfoh.with_(contact_angle="75 deg").calibrated
    ratio = tfoh.values["void_depth_ratio"]
    assert "void_depth_ratio" in tfoh.with_(void_depth_ratio=ratio).calibrated
    assert "void_depth_ratio" not in tfoh.with_(void_depth_ratio=ratio, void_size="2 um").calibrated


def test_a_users_named_pressure_drops_a_library_pressure_label(monkeypatch):
    """review s45 item 1: 'pressure' is a named argument of build_model, not an override; the user's value is the user's."""
    from lisse.sim.interface.model import build_model

    tfoh = get_material("LLZTO-TfOH")
    p = tfoh.properties["stack_pressure"]
    monkeypatch.setitem(tfoh.properties, "stack_pressure", dataclasses.replace(p, calibrated_on="obs P"))
    assert build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH").calibrated["pressure"] == "obs P"
    assert "pressure" not in build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", pressure="5 MPa").calibrated
    assert build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", pressure=f"{p.value} {p.unit}").calibrated["pressure"] == "obs P"


def test_an_exchange_current_from_a_calibrated_library_resistance_is_labelled(monkeypatch):
    from lisse.params import Param
    from lisse.sim.interface.model import build_model

    air = get_material("LLZTO-air")
    assert not air.has("exchange_current_density")
    m0 = build_model(None, electrolyte="LLZTO", surface="LLZTO-air")
    monkeypatch.setitem(air.properties, "interfacial_resistance", Param(120.0, "ohm*cm2", "s", calibrated_on="obs R"))
    m = build_model(None, electrolyte="LLZTO", surface="LLZTO-air")
    assert m.calibrated["exchange_current"] == "obs R" and "exchange_current" not in m0.calibrated
    assert "exchange_current" not in build_model(None, electrolyte="LLZTO", surface="LLZTO-air", exchange_current="1 mA/cm2").calibrated


def test_graded_face_labels_follow_the_angle_in_use(monkeypatch):
    """review s45 items 4, 5 and M11: the Cassie face angle typed back in labels both angles; a user's other interlayer
    angle labels neither; a face without filler (profile 'reversed') does not rest on the filler's angle."""
    from lisse.materials.graded import graded_composite
    from lisse.sim.interface.model import build_model

    mg = get_material("Mg")
    monkeypatch.setitem(mg.properties, "li_contact_angle", dataclasses.replace(mg.properties["li_contact_angle"], calibrated_on="obs Z"))
    m = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI")
    face = math.degrees(m.values["interlayer_contact_angle"])
    again = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI", interlayer_contact_angle=f"{face!r} deg")
    assert again.calibrated.get("interlayer_contact_angle") == again.calibrated.get("contact_angle") == "obs Z"
    other = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI", interlayer_contact_angle="50 deg")
    assert "interlayer_contact_angle" not in other.calibrated and "contact_angle" not in other.calibrated
    rev = build_model(graded_composite("LNI-25Mg").with_(profile="reversed"), "18.5 um", electrolyte="LNI")
    assert "interlayer_contact_angle" not in rev.calibrated and "contact_angle" not in rev.calibrated


def test_with_compares_a_typed_in_value_with_the_calibrated_value_not_the_one_in_use():
    """review s45b items 6 and 7: small steps do not carry a label along; the depth ratio is judged as build_model
    judges it (the calibrated depth h_v at the void size in use)."""
    from lisse.sim.interface.model import _calibrated_void_depth_ratio, build_model

    tfoh = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH")
    m = tfoh
    for deg in (75.9, 76.2, 76.5, 76.8):  # each within 0.5 % of the previous one, the last 1.6 % from 75.6
        m = m.with_(contact_angle=f"{deg} deg")
    assert "contact_angle" in tfoh.with_(contact_angle="75.9 deg").calibrated  # within the typed-in tolerance of 75.6
    assert "contact_angle" not in m.calibrated
    assert "contact_angle" in m.with_(contact_angle="75.6 deg").calibrated  # back to the calibrated value
    r2 = _calibrated_void_depth_ratio(2e-6)  # the calibrated h_v = 14.9 um at a 2 um void size
    via_with = tfoh.with_(void_size="2 um", void_depth_ratio=r2)
    via_build = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", void_size="2 um", void_depth_ratio=r2)
    assert "void_depth_ratio" in via_with.calibrated and "void_depth_ratio" in via_build.calibrated
    assert "void_depth_ratio" not in tfoh.with_(void_size="2 um", void_depth_ratio=r2 * 1.1).calibrated
    own = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", void_depth_ratio=3.0)
    assert "void_depth_ratio" not in own.calibrated
    assert "void_depth_ratio" in own.with_(void_depth_ratio=tfoh.values["void_depth_ratio"]).calibrated


def test_with_moves_the_electrode_angle_taken_from_the_interlayer(monkeypatch):
    """review s45b item 8: where build_model took contact_angle from the interlayer's angle (a graded layer's face),
    with_(interlayer_contact_angle=) moves it too, with its label, as build_model would."""
    from lisse.sim.interface.model import build_model

    mg = get_material("Mg")
    monkeypatch.setitem(mg.properties, "li_contact_angle", dataclasses.replace(mg.properties["li_contact_angle"], calibrated_on="obs Z"))
    m = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI")
    face = m.values["interlayer_contact_angle"]
    moved = m.with_(interlayer_contact_angle="50 deg")
    built = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI", interlayer_contact_angle="50 deg")
    assert moved.values["contact_angle"] == pytest.approx(math.radians(50.0), rel=1e-12) == built.values["contact_angle"]
    assert "contact_angle" not in moved.calibrated and "interlayer_contact_angle" not in moved.calibrated
    assert m.with_(contact_angle=face).calibrated.get("contact_angle") == "obs Z"  # the face angle typed in as the electrode's
    back = moved.with_(interlayer_contact_angle=face)
    assert back.calibrated.get("contact_angle") == back.calibrated.get("interlayer_contact_angle") == "obs Z"
    # a model whose contact angle is its own (a surface's) keeps it
    tfoh = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH")
    assert tfoh.with_(interlayer_contact_angle="50 deg").values["contact_angle"] == tfoh.values["contact_angle"]
