"""Output folders never lose data: marker, staged swap, lock, umask; phase-field checkpoints likewise."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat

import numpy as np
import pytest

from lisse.cli.main import main
from lisse.io.outputs import MARKER, atomic_write_text, output_folder, output_folder_state

STUDY = ('[study]\nname = "small"\n[[cells]]\nname = "c"\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n'
         '[design]\npoints = 5\n[wetting]\nmaterials = ["LiF"]\n')


def run_main(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def study(tmp_path):
    p = tmp_path / "study.toml"
    p.write_text(STUDY)
    return p


def _evaluate(study, out, *extra):
    return run_main("evaluate", str(study), "--out", str(out), "--no-progress", *extra)


def _files(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_foreign_folder_is_refused_and_left_untouched(tmp_path, study):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "study.toml").write_text("my own study")
    (out / "report.html").write_text("<p>my own report</p>")
    code, _, err = _evaluate(study, out, "--stage", "design")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--overwrite" in err and "report.html" in err
    assert (out / "study.toml").read_text() == "my own study"
    assert (out / "report.html").read_text() == "<p>my own report</p>"
    assert _files(out) == ["report.html", "study.toml"]
    assert [p.name for p in tmp_path.iterdir() if "lisse-" in p.name] == []  # no staging folder left behind


def test_rerun_replaces_the_whole_folder(tmp_path, study):
    out = tmp_path / "out"
    code, _, err = _evaluate(study, out, "--stage", "design", "--stage", "wetting")
    assert code == 0, err
    first = _files(out)
    assert "tables/wetting_wetting.csv" in first and MARKER in first
    marker = json.loads((out / MARKER).read_text())
    assert marker["lisse_output"] == 1 and set(marker["files"]) == set(first) - {MARKER}
    assert output_folder_state(out) == "lisse"
    code, _, err = _evaluate(study, out, "--stage", "design")
    assert code == 0, err
    second = _files(out)
    assert not [f for f in second if "wetting" in f]  # the earlier run's tables and figures are gone
    assert json.loads((out / MARKER).read_text())["run_id"] != marker["run_id"]
    assert [p.name for p in tmp_path.iterdir() if "lisse-" in p.name] == []


def test_user_file_added_to_a_lisse_folder_makes_it_foreign(tmp_path, study):
    out = tmp_path / "out"
    assert _evaluate(study, out, "--stage", "design")[0] == 0
    (out / "notes.txt").write_text("keep me")
    code, _, err = _evaluate(study, out, "--stage", "design")
    assert code == 2 and "notes.txt" in err
    assert (out / "notes.txt").read_text() == "keep me"


def test_overwrite_replaces_a_foreign_folder(tmp_path, study):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "old.txt").write_text("x")
    code, _, err = _evaluate(study, out, "--stage", "design", "--overwrite")
    assert code == 0, err
    assert not (out / "old.txt").exists() and (out / "report.html").exists()


def test_overwrite_refuses_a_folder_with_subfolders(tmp_path, study):
    out = tmp_path / "docs"
    (out / "thesis").mkdir(parents=True)
    (out / "thesis" / "ch1.tex").write_text("x")
    code, _, err = _evaluate(study, out, "--overwrite")
    assert code == 2 and "thesis" in err
    assert (out / "thesis" / "ch1.tex").read_text() == "x"


def test_overwrite_refuses_a_users_own_figures_subfolder(tmp_path, study):
    """'figures' is lisse's name, but a figures/ folder holding the user's files is the user's subfolder."""
    out = tmp_path / "paper"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "fig1_final.tiff").write_text("x")
    (out / "notes.md").write_text("n")
    code, _, err = _evaluate(study, out, "--stage", "design", "--overwrite")
    assert code == 2 and "figures" in err
    assert (out / "figures" / "fig1_final.tiff").read_text() == "x"


def test_overwrite_still_replaces_lisse_figures_beside_a_user_file(tmp_path, study):
    out = tmp_path / "run"
    assert _evaluate(study, out, "--stage", "design")[0] == 0
    (out / "extra.txt").write_text("x")
    code, _, err = _evaluate(study, out, "--stage", "design", "--overwrite")
    assert code == 0, err
    assert not (out / "extra.txt").exists() and any((out / "figures").iterdir())


def test_overwrite_refuses_a_folder_holding_the_study(tmp_path):
    out = tmp_path / "proj"
    out.mkdir()
    s = out / "study.toml"
    s.write_text(STUDY)
    code, _, err = _evaluate(s, out, "--overwrite")
    assert code == 2 and "study" in err
    assert s.read_text() == STUDY


def test_overwrite_refuses_a_folder_holding_the_studys_data_files(tmp_path):
    """--overwrite deletes the folder's files: a cycler file the study reads must not be among them."""
    data = tmp_path / "data"
    data.mkdir()
    csv = data / "run1.csv"
    csv.write_text("time/s,Ewe/V,I/mA\n0,0.01,0.5\n1,0.02,0.5\n2,0.03,-0.5\n3,0.02,-0.5\n")
    s = tmp_path / "study.toml"
    s.write_text('[cycling]\nfiles = ["data/run1.csv"]\n')
    code, _, err = _evaluate(s, data, "--overwrite", "--stage", "cycling")
    assert code == 2 and "run1.csv" in err
    assert csv.is_file() and sorted(p.name for p in data.iterdir()) == ["run1.csv"]


def test_second_concurrent_run_is_refused(tmp_path, study):
    out = tmp_path / "busy"
    with output_folder(out) as staging:  # a first run holds the folder
        atomic_write_text(staging / "results.json", "{}")
        code, _, err = _evaluate(study, out, "--stage", "design")
        assert code == 2 and "another lisse run" in err and len(err.strip().splitlines()) == 1
    assert _files(out) == sorted([MARKER, "results.json"])  # the first run's outputs, not mixed with the second's


def test_second_run_refused_while_another_process_holds_the_folder(tmp_path, study):
    import subprocess
    import sys
    import time

    out, go = tmp_path / "busy", tmp_path / "go"
    holder = (
        "import sys, time, pathlib\n"
        f"sys.path.insert(0, {str(pathlib_src())!r})\n"
        "from lisse.io.outputs import output_folder, atomic_write_text\n"
        f"with output_folder({str(out)!r}) as s:\n"
        "    atomic_write_text(s / 'results.json', '{}')\n"
        f"    pathlib.Path({str(tmp_path / 'held')!r}).write_text('x')\n"
        f"    while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.05)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", holder])
    try:
        deadline = time.time() + 60
        while not (tmp_path / "held").exists():
            assert proc.poll() is None and time.time() < deadline, "the first run did not start"
            time.sleep(0.05)
        code, _, err = _evaluate(study, out, "--stage", "design")
        assert code == 2 and "another lisse run" in err
    finally:
        go.write_text("x")
        proc.wait(timeout=60)
    assert proc.returncode == 0
    assert _files(out) == sorted([MARKER, "results.json"])
    assert _evaluate(study, out, "--stage", "design")[0] == 0  # free again once the first run ended


def pathlib_src():
    from pathlib import Path

    return Path(__file__).resolve().parents[2] / "src"


def test_failed_run_leaves_the_previous_folder(tmp_path):
    out = tmp_path / "out"
    with output_folder(out) as staging:
        atomic_write_text(staging / "a.txt", "first")
    with pytest.raises(RuntimeError), output_folder(out) as staging:
        atomic_write_text(staging / "b.txt", "second")
        raise RuntimeError("stage crashed")
    assert _files(out) == sorted([MARKER, "a.txt"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_outputs_honour_the_umask(tmp_path, study, mask):
    old = os.umask(mask)
    try:
        out = tmp_path / "out"
        code, _, err = _evaluate(study, out, "--stage", "design")
        assert code == 0, err
        lone = atomic_write_text(tmp_path / "lone.txt", "x")
    finally:
        os.umask(old)
    want = 0o666 & ~mask
    for f in ("results.json", "report.html", "study.toml", MARKER, "tables/design_summary.csv"):
        assert stat.S_IMODE((out / f).stat().st_mode) == want, f
    assert stat.S_IMODE(lone.stat().st_mode) == want
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask


@pytest.mark.parametrize("bad", ["", "   ", "/", "~no-such-user-lisse/x", "a\x00b"])
def test_empty_and_root_out_are_refused(tmp_path, study, bad):
    code, _, err = _evaluate(study, bad)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--out" in err


def test_home_current_and_file_out_are_refused(tmp_path, study, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    code, _, err = _evaluate(study, home)
    assert code == 2 and "home" in err
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.csv").write_text("1,2\n")
    monkeypatch.chdir(work)
    code, _, err = _evaluate(study, ".")
    assert code == 2 and "current folder" in err
    assert _files(work) == ["data.csv"]
    code, _, err = _evaluate(study, "data.csv")
    assert code == 2 and "file" in err
    assert (work / "data.csv").read_text() == "1,2\n"


def test_empty_existing_folder_is_accepted(tmp_path, study):
    out = tmp_path / "empty"
    out.mkdir()
    assert _evaluate(study, out, "--stage", "design")[0] == 0
    assert (out / "report.html").exists()


# ---- phase-field checkpoints ------------------------------------------------------------------


def test_phasefield_new_run_refuses_to_replace_a_checkpoint(tmp_path):
    out = tmp_path / "pf"
    out.mkdir()
    (out / "checkpoint.npz").write_bytes(b"precious")
    code, _, err = run_main("phasefield", "--preset", "lithiophilic", "--out", str(out), "--grid", "32", "--frames", "2")
    assert code == 2 and "--resume" in err and "--overwrite" in err and len(err.strip().splitlines()) == 1
    assert (out / "checkpoint.npz").read_bytes() == b"precious"
    code, _, err = run_main("phasefield", "--out", str(out), "--resume", "--overwrite")
    assert code == 2 and "not both" in err


def _fake_checkpoint(path, meta: dict):
    np.savez(path, meta_json=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), state_zeta=np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("meta", "needle"),
    [
        ({"format": "someone-else-1"}, "format"),
        ({"format": "lisse-phasefield-checkpoint-1", "settings": [], "history": [], "frame_times": []}, "settings"),
        ({"format": "lisse-phasefield-checkpoint-1", "settings": {}, "history": [], "frame_times": []}, "phi_g"),
    ],
)
def test_phasefield_foreign_checkpoint_is_exit_2(tmp_path, meta, needle):
    out = tmp_path / "pf"
    out.mkdir()
    _fake_checkpoint(out / "checkpoint.npz", meta)
    code, _, err = run_main("phasefield", "--out", str(out), "--resume")
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_phasefield_checkpoint_with_bad_meta_bytes_is_exit_2(tmp_path):
    out = tmp_path / "pf"
    out.mkdir()
    np.savez(out / "checkpoint.npz", meta_json=np.frombuffer(b"\xff\xfe not json", dtype=np.uint8))
    code, _, err = run_main("phasefield", "--out", str(out), "--resume")
    assert code == 2 and "checkpoint.npz" in err and len(err.strip().splitlines()) == 1


def test_report_folder_of_lisse_0_1_counts_as_lisse_made(tmp_path, study):
    """Folders written before the marker existed: only lisse's own entries and its results.json."""
    old = tmp_path / "old"
    (old / "tables").mkdir(parents=True)
    (old / "results.json").write_text(json.dumps({"provenance": {"lisse_version": "0.1.0"}}))
    (old / "report.html").write_text("<html></html>")
    (old / "tables" / "design_summary.csv").write_text("a\n1\n")
    assert output_folder_state(old) == "lisse"
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "results.json").write_text(json.dumps({"mine": 1}))
    assert output_folder_state(fake) == "foreign"
    code, _, err = _evaluate(study, old, "--stage", "design")
    assert code == 0, err
    assert (old / MARKER).exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_atomic_write_refuses_to_replace_a_special_file(tmp_path):
    """An atomic write must not swap a device or pipe (e.g. --steps-csv /dev/full as root) for a regular file."""
    from lisse.errors import OutputError

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="device, pipe or socket"):
        atomic_write_text(fifo, "x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_interlayer_out_never_overwrites_a_users_file(tmp_path, monkeypatch, capsys):
    """interlayer --out writes in place: a folder with the user's files is refused unless --overwrite."""
    from lisse.cli.main import main

    monkeypatch.chdir(tmp_path)
    user = tmp_path / "u"
    user.mkdir()
    (user / "interlayer_profile.csv").write_text("mine\n")
    argv = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--out", "u"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "interlayer_profile.csv" in err and "--overwrite" in err and err.count("\n") == 1
    assert (user / "interlayer_profile.csv").read_text() == "mine\n"
    # a lisse-made folder is reused without --overwrite; the marker lists what lisse wrote
    assert main(["interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--out", "new"]) == 0
    assert main(["interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--out", "new", "--sweep"]) == 0
    marker = json.loads((tmp_path / "new" / ".lisse-output.json").read_text())
    assert {"interlayer_profile.csv", "interlayer_sweep.csv"} <= set(marker["files"])
    capsys.readouterr()
    # --overwrite writes beside the user's files and never replaces one (review s40 item 1: it used to replace it)
    assert main([*argv, "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert "interlayer_profile.csv" in err and "never replaces" in err and err.count("\n") == 1
    assert (user / "interlayer_profile.csv").read_text() == "mine\n"
    (user / "notes.txt").write_text("mine\n")
    (user / "interlayer_profile.csv").rename(user / "my_profile.csv")
    assert main([*argv, "--overwrite"]) == 0
    assert (user / "interlayer_profile.csv").read_text().startswith("x_um,")
    assert (user / "notes.txt").read_text() == (user / "my_profile.csv").read_text() == "mine\n"


def test_phasefield_out_never_overwrites_a_users_file(tmp_path, monkeypatch, capsys):
    from lisse.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pf").mkdir()
    (tmp_path / "pf" / "front.csv").write_text("mine\n")
    assert main(["phasefield", "--preset", "lithiophobic", "--out", "pf", "--max-steps", "0"]) == 2
    assert "front.csv" in capsys.readouterr().err
    assert (tmp_path / "pf" / "front.csv").read_text() == "mine\n"
    (tmp_path / "sw").mkdir()
    (tmp_path / "sw" / "sweep.csv").write_text("mine\n")
    assert main(["phasefield", "--sweep", "--angles", "60", "--out", "sw"]) == 2
    assert main(["phasefield", "--sweep", "--angles", "60", "--out", "sw", "--overwrite"]) == 2  # refused before it runs
    assert "never replaces" in capsys.readouterr().err
    assert (tmp_path / "sw" / "sweep.csv").read_text() == "mine\n"


def test_interrupt_during_the_swap_puts_the_previous_folder_back(tmp_path, monkeypatch):
    """Ctrl-C between 'folder -> old' and 'staging -> folder' must not leave the user's folder hidden."""
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    real_rename = os.rename
    calls = []

    def rename(src, dst):
        calls.append(str(src))
        if len(calls) == 2:  # the second rename: staging -> folder
            raise KeyboardInterrupt
        return real_rename(src, dst)

    with pytest.raises(KeyboardInterrupt):
        with output_folder(out, overwrite=True) as staging:
            (staging / "results.json").write_text("{}")
            monkeypatch.setattr(os, "rename", rename)
    monkeypatch.undo()
    assert (out / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]


def test_a_lisse_file_the_user_edited_is_the_users(tmp_path, study):
    """The user edits study.toml inside a lisse folder: a later run must not delete it without --overwrite."""
    out = tmp_path / "run1"
    assert _evaluate(study, out, "--stage", "design")[0] == 0
    (out / "study.toml").write_text("# my notes\n" + STUDY)
    code, _, err = _evaluate(study, out, "--stage", "design")
    assert code == 2 and "study.toml" in err
    assert (out / "study.toml").read_text().startswith("# my notes")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_file_mode_does_not_touch_the_process_umask(monkeypatch):
    """Setting the umask to read it would make other threads' new files world-writable for a moment."""
    from lisse.io import outputs

    old = os.umask(0o027)
    try:
        def boom(_mask):
            raise AssertionError("os.umask called")

        monkeypatch.setattr(os, "umask", boom)
        assert outputs._file_mode() == 0o640
    finally:
        monkeypatch.undo()
        os.umask(old)


def test_python_evaluate_overwrite_refuses_the_folder_holding_the_study(tmp_path):
    """The library (not only the CLI) protects the study file from overwrite=True."""
    from lisse.errors import ParameterError
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study

    s = tmp_path / "proj" / "study.toml"
    s.parent.mkdir()
    s.write_text(STUDY)
    with pytest.raises(ParameterError, match="study file"):
        evaluate(load_study(s), s.parent, study_text=STUDY, progress=False, only=["design"], overwrite=True)
    assert s.read_text() == STUDY


def test_claim_without_create_checks_the_folder_and_makes_nothing(tmp_path):
    from lisse.errors import ParameterError
    from lisse.io.outputs import MARKER, claim_output_folder

    new = tmp_path / "new" / "deeper"
    assert claim_output_folder(new, create=False) == new.resolve() and not (tmp_path / "new").exists()
    occupied = tmp_path / "occ"
    occupied.mkdir()
    (occupied / "mine.txt").write_text("x")
    with pytest.raises(ParameterError, match="mine.txt"):
        claim_output_folder(occupied, create=False)
    assert claim_output_folder(occupied, overwrite=True, create=False) == occupied.resolve()
    assert sorted(p.name for p in occupied.iterdir()) == ["mine.txt"]  # no marker written by a check
    claim_output_folder(new)  # the same call with create=True makes and marks it
    assert (new / MARKER).is_file()


def test_overwrite_writes_beside_a_users_files_and_never_replaces_one(tmp_path):
    """review s40 item 1: --overwrite used to let lisse's file of the same name replace the user's."""
    from lisse.errors import OutputError, ParameterError
    from lisse.io.outputs import atomic_write_text, claim_output_folder, mark_output_files

    folder = tmp_path / "o"
    folder.mkdir()
    (folder / "prediction.json").write_text("MY DATA")
    # a command that names its outputs is refused at once, with the file named
    with pytest.raises(ParameterError, match=r"prediction\.json.*never replaces"):
        claim_output_folder(folder, overwrite=True, outputs=("prediction.json", "other.csv"))
    # one that does not is refused at the write, and the user's file is kept
    out = claim_output_folder(folder, overwrite=True)
    with pytest.raises(OutputError, match=r"prediction\.json.*never replaces a user's file"):
        atomic_write_text(out / "prediction.json", "lisse's")
    assert (folder / "prediction.json").read_text() == "MY DATA"
    # beside it, lisse writes, and its own files it may replace on the next run
    atomic_write_text(out / "other.csv", "a\n")
    mark_output_files(out, [out / "other.csv"])
    out = claim_output_folder(folder, overwrite=True, outputs=("other.csv",))
    atomic_write_text(out / "other.csv", "b\n")
    assert (folder / "other.csv").read_text() == "b\n"
    # the user's file gone, its name is free again
    (folder / "prediction.json").unlink()
    atomic_write_text(out / "prediction.json", "lisse's")


def test_simulate_ccd_overwrite_keeps_a_users_file_of_an_output_name(tmp_path, capsys):
    from lisse.cli.main import main

    folder = tmp_path / "o3"
    folder.mkdir()
    (folder / "prediction.json").write_text("MY DATA")
    assert main(["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", "--out", str(folder), "--overwrite"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "prediction.json" in err and "never replaces" in err
    assert (folder / "prediction.json").read_text() == "MY DATA"


def test_the_foreign_file_guard_follows_each_claim_and_catches_a_users_symlink(tmp_path):
    """review s40 diff items 2, 11: the process-level set kept a file lisse had since written as 'foreign' for the rest of
    the process, and a user's symlink named like an output was replaced (the guard compared resolved paths)."""
    from lisse.errors import OutputError
    from lisse.io.outputs import atomic_write_text, claim_output_folder, mark_output_files

    folder = tmp_path / "u"
    folder.mkdir()
    (folder / "a.png").write_text("mine")
    out = claim_output_folder(folder, overwrite=True)
    with pytest.raises(OutputError, match="never replaces"):
        atomic_write_text(out / "a.png", "lisse")
    (folder / "a.png").rename(tmp_path / "a.png")  # the user moves it away
    out = claim_output_folder(folder, overwrite=True)  # a new claim: the guard is this folder's state now
    mark_output_files(out, [atomic_write_text(out / "a.png", "lisse 1")])
    out = claim_output_folder(folder)  # lisse's own folder: its file is replaced on the next run of the same process
    atomic_write_text(out / "a.png", "lisse 2")
    assert (folder / "a.png").read_text() == "lisse 2"
    # a user's symlink named like an output is the user's entry: refused, the link kept
    target = tmp_path / "data.png"
    target.write_text("data")
    (folder / "b.png").symlink_to(target)
    out = claim_output_folder(folder, overwrite=True)
    with pytest.raises(OutputError, match="never replaces"):
        atomic_write_text(out / "b.png", "lisse")
    assert (folder / "b.png").is_symlink() and target.read_text() == "data"


def test_an_interrupted_phasefield_run_is_restarted_with_overwrite(tmp_path, monkeypatch, capsys):
    """review s40 diff item 1: a killed run left checkpoint.npz out of the marker, and --overwrite (which its own message
    recommends) was then refused as replacing a user's file."""
    from lisse.cli.main import main
    from lisse.io.outputs import MARKER

    monkeypatch.chdir(tmp_path)
    argv = ["phasefield", "--preset", "lithiophobic", "--grid", "32", "--frames", "2", "--out", "pf", "--no-animation", "--json"]
    assert main(argv) in (0, None)
    marker = tmp_path / "pf" / MARKER
    data = json.loads(marker.read_text())
    assert "checkpoint.npz" in data["files"]
    # the folder as a run killed before its end left it: its checkpoint only, unmarked (before the fix the checkpoint was
    # marked only at the end, with the CSV and the figures)
    import shutil

    for entry in (tmp_path / "pf").iterdir():
        if entry.name not in ("checkpoint.npz", MARKER):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    data["files"] = []
    marker.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(argv) == 2 and "--overwrite" in capsys.readouterr().err  # refused, and told how to start over
    assert main([*argv, "--overwrite"]) in (0, None)


def test_an_output_the_user_edited_is_never_replaced_by_a_rerun(tmp_path, monkeypatch, capsys):
    """The marker records each output's SHA-256 as written: a CSV the user annotated since is the user's (stop 40's
    "edited lisse outputs are still replaced"); an untouched folder is still reused without --overwrite."""
    from lisse.cli.main import main
    from lisse.io.outputs import MARKER

    monkeypatch.chdir(tmp_path)
    argv = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--out", "o"]
    assert main(argv) == 0
    marker = json.loads((tmp_path / "o" / MARKER).read_text())
    import hashlib

    csv_path = tmp_path / "o" / "interlayer_profile.csv"
    assert marker["sha256"]["interlayer_profile.csv"] == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert main(argv) == 0  # untouched: lisse's own, replaced
    edited = csv_path.read_text() + "# my note\n"
    csv_path.write_text(edited)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "interlayer_profile.csv" in err and "changed since" in err and err.count("\n") == 1
    assert main([*argv, "--overwrite"]) == 2  # named as an output: refused before the work
    assert csv_path.read_text() == edited
    csv_path.rename(tmp_path / "o" / "mine.csv")  # moved aside, the folder is written again, beside it
    assert main([*argv, "--overwrite"]) == 0
    assert (tmp_path / "o" / "mine.csv").read_text() == edited and csv_path.read_text().startswith("x_um,")


def test_a_phasefield_resume_keeps_an_edited_front_csv_and_its_checkpoint_carries_no_digest(tmp_path, monkeypatch, capsys):
    """The checkpoint is rewritten at every record (marked without a digest, so a killed run's checkpoint stays lisse's);
    a resumed run writes beside the user's files and refuses to replace a front.csv the user edited."""
    from lisse.cli.main import main
    from lisse.io.outputs import MARKER

    monkeypatch.chdir(tmp_path)
    base = ["phasefield", "--preset", "lithiophobic", "--grid", "32", "--frames", "2", "--no-animation", "--json"]
    assert main([*base, "--out", "pf", "--max-steps", "3"]) in (0, None)
    marker = json.loads((tmp_path / "pf" / MARKER).read_text())
    assert "checkpoint.npz" in marker["files"] and "checkpoint.npz" not in marker["sha256"]
    assert "front.csv" in marker["sha256"]
    (tmp_path / "pf" / "front.csv").write_text("mine\n")
    capsys.readouterr()
    assert main(["phasefield", "--out", "pf", "--resume", "--json", "--no-animation"]) == 2
    err = capsys.readouterr().err
    assert "front.csv" in err and err.count("\n") == 1
    assert (tmp_path / "pf" / "front.csv").read_text() == "mine\n"
    (tmp_path / "pf" / "front.csv").unlink()
    (tmp_path / "pf" / "notes.txt").write_text("mine\n")  # a user's file beside the run does not stop it
    assert main(["phasefield", "--out", "pf", "--resume", "--json", "--no-animation"]) in (0, None)
    assert (tmp_path / "pf" / "front.csv").read_text().startswith("step,")
    assert (tmp_path / "pf" / "notes.txt").read_text() == "mine\n"


def test_a_rerun_that_fails_half_way_leaves_lisse_its_own_files(tmp_path, monkeypatch, capsys):
    """review s43b item 1: a run rewrites its outputs before it records their digests; one that fails in between must not
    leave lisse's own files looking edited (the next run was refused, even with --overwrite)."""
    from lisse.cli.main import main

    monkeypatch.chdir(tmp_path)
    base = ["interlayer", "--preset", "lni-5cnt", "--capacity", "1", "--out", "o"]
    assert main([*base, "--current-density", "1"]) == 0
    # the profile is rewritten, then the spike fit fails (currents without heights): exit 2 after the first writes
    assert main([*base, "--current-density", "2", "--spike-currents", "1,2"]) == 2
    capsys.readouterr()
    assert main([*base, "--current-density", "1"]) == 0, capsys.readouterr().err
    marker = json.loads((tmp_path / "o" / ".lisse-output.json").read_text())
    assert set(marker["sha256"]) == {"interlayer_profile.csv", "interlayer_profile.png"}  # protected again once written


def test_a_phasefield_run_refuses_an_edited_figure_before_it_runs(tmp_path, monkeypatch, capsys):
    """review s43b item 2: the run named only front.csv, so an edited front.png was found after the whole simulation."""
    import lisse.cli.phasefield as pf
    from lisse.cli.main import main

    monkeypatch.chdir(tmp_path)
    argv = ["phasefield", "--preset", "lithiophobic", "--grid", "32", "--frames", "2", "--no-animation", "--json", "--out", "pf"]
    assert main(argv) in (0, None)
    (tmp_path / "pf" / "front.png").write_bytes(b"my figure")
    (tmp_path / "pf" / "checkpoint.npz").unlink()
    (tmp_path / "pf" / "front.csv").write_text("stale\n")  # lisse's now (adopted below only if the run went ahead)
    from lisse.io.outputs import mark_output_files

    mark_output_files(tmp_path / "pf", [tmp_path / "pf" / "front.csv"])
    capsys.readouterr()
    assert main([*argv, "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert "front.png" in err and err.count("\n") == 1
    assert (tmp_path / "pf" / "front.png").read_bytes() == b"my figure"
    # refused before the run: no checkpoint written, front.csv not rewritten (before, both were, then front.png refused)
    assert not (tmp_path / "pf" / "checkpoint.npz").exists() and (tmp_path / "pf" / "front.csv").read_text() == "stale\n"
    assert pf._run_outputs(2)[-3:] == ("snapshots/zeta_0000.png", "snapshots/zeta_0001.png", "snapshots/zeta_0002.png")


def test_an_output_subfolder_linked_outside_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys):
    """review s43b item 5: a `snapshots` link to another folder got the figures written there, then 'internal error'."""
    from lisse.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "pf").mkdir()
    (tmp_path / "pf" / "snapshots").symlink_to(tmp_path / "elsewhere")
    argv = ["phasefield", "--preset", "lithiophobic", "--grid", "32", "--frames", "2", "--no-animation", "--out", "pf", "--overwrite"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "link to outside" in err and "snapshots/zeta_0000.png" in err and err.count("\n") == 1
    assert not list((tmp_path / "elsewhere").iterdir()) and not (tmp_path / "pf" / "checkpoint.npz").exists()


def test_a_damaged_marker_is_named_and_nothing_is_replaced(tmp_path, monkeypatch, capsys, study):
    """review s43b: a marker lisse cannot read listed the marker itself as a file "lisse did not write"; the message now
    says the record is damaged, for the in-place commands and the report folder alike, and nothing is touched."""
    monkeypatch.chdir(tmp_path)
    argv = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--out", "o"]
    assert main(argv) == 0
    (tmp_path / "o" / MARKER).write_text("{not json")
    before = {f: (tmp_path / "o" / f).read_bytes() for f in _files(tmp_path / "o")}
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"lisse record {MARKER} unreadable" in err and "(3 entries)" in err
    assert "--overwrite" not in err and "choose another folder" in err  # --overwrite cannot help here (review s44b)
    assert {f: (tmp_path / "o" / f).read_bytes() for f in _files(tmp_path / "o")} == before
    # the study report folder: same wording; a marker of another program (valid JSON, not lisse's) is named the same way
    out = tmp_path / "rep"
    assert _evaluate(study, out, "--stage", "design")[0] == 0
    (out / MARKER).write_text(json.dumps({"tool": "someone else"}))
    code, _, err = _evaluate(study, out, "--stage", "design")
    assert code == 2 and len(err.strip().splitlines()) == 1 and f"lisse record {MARKER} unreadable" in err
    # a folder without a marker still lists the files found
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("mine")
    code, _, err = _evaluate(study, plain, "--stage", "design")
    assert code == 2 and "found files lisse did not write" in err and "notes.txt" in err


def test_a_database_inside_the_interlayer_out_folder_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    """review s43b/s44b: a --db inside --out was refused by the next run; listing it as lisse's instead let another command
    (evaluate --out) replace the folder, database included. It is refused at once, naming --db; nothing is written."""
    monkeypatch.chdir(tmp_path)
    argv = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--i-max", "5", "--out", "o"]
    for db in ("o/lab.sqlite", str(tmp_path / "o" / "sub" / "lab.sqlite")):
        assert main([*argv, "--db", db]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--db" in err and "outside the --out folder" in err
        assert not (tmp_path / "o").exists()
    assert main([*argv, "--db", "lab.sqlite"]) == 0 and (tmp_path / "lab.sqlite").is_file()  # beside it: fine
    assert main([*argv, "--db", "lab.sqlite"]) == 0  # and the folder is reused
