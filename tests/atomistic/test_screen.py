"""Atomistic screening on lisse.parallel (`lisse wetting Li X Y ...`, `adhesion_screen`): one row per substrate in
input order, a failing substrate is that row's error (never the end of the screen).

References: the single-substrate workflow run serially (same numbers), and the errors the single-substrate
command gives for the same bad inputs.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("ase")


def test_cli_screen_rows_in_order_with_isolated_errors(cli):
    r = cli("wetting", "Li", "LLZTO", "Foo", "--jobs", "2", "--json")
    # the screen is printed whole, and its exit status says rows failed (review s40: it was 0 with every row failed)
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines() == [f"lisse: error: substrate {s!r} failed: " + e for s, e in
                                     ((row["substrate"], row["error"]) for row in json.loads(r.stdout)["screen"])]
    res = json.loads(r.stdout)
    assert [row["substrate"] for row in res["screen"]] == ["LLZTO", "Foo"]
    assert (res["substrates_total"], res["substrates_ok"], res["substrates_failed"]) == (2, 0, 2)
    llzo, foo = res["screen"]
    assert llzo["error_type"] == "NotImplementedFeatureError" and llzo["user_error"] and llzo["result"] is None
    assert foo["error_type"] == "ParameterError" and "unknown crystal 'Foo'" in foo["error"]
    # the same message the single-substrate command prints (exit 2)
    single = cli("wetting", "Li", "Foo")
    assert single.returncode == 2 and foo["error"] in single.stderr


@pytest.mark.slow
def test_screen_in_processes_equals_serial_workflow(tmp_path):
    from lisse.atomistic.executors import adhesion_screen
    from lisse.atomistic.workflows import adhesion_workflow
    from lisse.io.atomistic_cache import JobCache

    tiny = dict(substrate_layers=2, film_layers=3, max_strain=0.07, max_area=70.0, vacuum=12.0, gaps=(2.0, 2.6), n_shift=1,
                n_starts=2, steps=30, sigma_li_layers=(3, 5), check_vacuum_extra=2.0)
    ref = adhesion_workflow("chgnet", "LiF", cache=JobCache(tmp_path / "serial"), **tiny)
    rows = adhesion_screen(["LLZTO", "LiF"], "chgnet", JobCache(tmp_path / "screen"), jobs=2, **tiny)
    assert [r["status"] for r in rows] == ["error", "ok"]
    assert rows[1]["result"]["work_of_adhesion_J_m2"] == pytest.approx(ref["work_of_adhesion_J_m2"], rel=1e-9, abs=0)


def test_terminations_of_no_plane_is_a_one_line_error(cli):
    """review s40: (0, 0, 0) was an internal ZeroDivisionError (exit 1) inside pymatgen."""
    r = cli("atomistic", "terminations", "Li2CO3", "--substrate-miller", "0", "0", "0")
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "lisse: error: parameter '--substrate-miller' (0, 0, 0) names no plane; give e.g. (1, 0, 0)"]


@pytest.mark.parametrize("argv, start", [
    (("--work-of-adhesion", "0.09", "--calculator", "gpaw"), "--calculator: applies to the atomistic workflow"),
    (("--contact-angle", "142", "--supercells", "4x4,3x3"), "--supercells: applies to the atomistic workflow"),
    (("Li", "LiF", "--li-surface-energy", "0.46"), "--li-surface-energy: applies to --work-of-adhesion/--contact-angle"),
    (("Li", "LiF", "--supercell-cell", "slab"), "--supercell-cell: says what --supercells counts"),
    (("Li", "LiF", "LiCl", "--refine-calculator", "cp2k"), "--refine-calculator: applies with --refine-top K")])
def test_wetting_refuses_options_its_path_would_ignore(cli, argv, start):
    """review s40 item 4: each was dropped without a word (the analytic path ignored the calculator, the workflow the
    user's sigma_Li)."""
    r = cli("wetting", *argv)
    assert r.returncode == 2 and r.stderr.startswith(f"lisse: error: {start}") and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("argv, line", [
    (("wetting", "Li", "LiF", "--starts", "0"), "--starts: expected a whole number from 1 to 50; got 0"),
    (("wetting", "Li", "LiF", "--shifts", "11"), "--shifts: expected a whole number from 1 to 10; got 11"),
    (("wetting", "Li", "LiF", "--calculator", "gpaw", "--prerelax", "chgnet", "--prerelax-steps", "-3"),
     "--prerelax-steps: expected a whole number from 0 to 100000; got -3"),
    (("wetting", "Li", "LiF", "--calculator", "gpaw", "--prerelax-steps", "40"), "--prerelax-steps: applies with --prerelax ML; got it without"),
    (("segregation", "--surface-energy", "0.5", "--interface-energy", "0.3", "--prerelax-steps", "40"),
     "--prerelax-steps: applies to the atomistic workflow (lisse segregation X), not to --surface-energy/--interface-energy; got it with no phase"),
    (("wetting", "Li", "LiF", "--calculator", "gpaw", "--cutoff", "-5 eV"), "--cutoff: expected a positive plane-wave cut-off; got -5 eV"),
    (("wetting", "Li", "LiF", "--cache-dir", "{file}"), "--cache-dir '{file}': expected a folder for the job cache (or 'none'); found a file"),
    (("segregation", "LiF", "--cache-dir", "{file}"), "--cache-dir '{file}': expected a folder for the job cache (or 'none'); found a file"),
    (("wetting", "Li", "LiF", "--cache-dir", "{file}/sub"),
     "--cache-dir '{file}/sub': expected a folder for the job cache (or 'none'); found a file ('{file}' is a file)"),
    (("segregation", "--surface-energy", "0.5", "--interface-energy", "0.3", "--calculator", "gpaw"),
     "--calculator: applies to the atomistic workflow (lisse segregation X), not to --surface-energy/--interface-energy; got it with no phase")])
def test_atomistic_options_are_named_as_typed(cli, tmp_path, argv, line):
    """review s40 item 6: these named the workflows' own parameters (n_starts, n_shift, ecut), or failed only after the
    first job had run (a file as --cache-dir)."""
    f = tmp_path / "afile"
    f.write_text("x")
    r = cli(*[a.format(file=f) for a in argv])
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [f"lisse: error: {line.format(file=f)}"]
