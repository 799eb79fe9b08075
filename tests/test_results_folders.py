"""Results folders never lose a user's data (see fiscalsim.report.files)."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from click.testing import CliRunner

from fiscalsim.cli import main
from fiscalsim.report.files import PARTIAL_MARKER, atomic_directory, remove_stale_partials
from fiscalsim.scenario import bundled_scenario

#: Each command that writes a results folder, with arguments that would make it run.
WRITERS = {
    "run": ["run", "--paths", "3", "--no-charts"],
    "population": ["population", "--paths", "3"],
    "books": ["books"],
    "compare": ["compare", str(bundled_scenario()), str(bundled_scenario())],
    "sweep": ["sweep", str(bundled_scenario()), "--grid", "finance.capital_share.value=0.07,0.08"],
    "sensitivity": ["sensitivity"],
}


def invoke(args):
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_foreign_folder_is_never_emptied(tmp_path, command):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.txt").write_text("three years of work")
    for extra in ([], ["--overwrite"]):
        res = invoke([*WRITERS[command], "--out", str(out), *extra])
        assert res.exit_code == 2, res.output
        assert "never deletes files it did not write" in res.output
        assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)
        assert (out / "thesis.txt").read_text() == "three years of work"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no temporary folder left


def test_the_scenario_folder_is_refused(tmp_path):
    scenario = tmp_path / "my.yaml"
    scenario.write_text(f"extends: {bundled_scenario()}\nname: mine\n", encoding="utf-8")
    res = invoke(["run", str(scenario), "--paths", "2", "--no-charts", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "not a fiscalsim results folder" in res.output
    assert scenario.exists()


@pytest.mark.parametrize("out", [".", ""])
def test_current_or_empty_folder_is_a_clear_error(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text("keep")
    res = invoke(["run", "--paths", "2", "--no-charts", "--out", out])
    assert res.exit_code == 2
    assert res.output.startswith("error: --out") and "Traceback" not in res.output
    assert (tmp_path / "notes.md").read_text() == "keep"


def test_an_empty_folder_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert invoke(["books", "--out", str(out)]).exit_code == 0
    assert (out / "books.csv").is_file() and (out / "manifest.json").is_file()


def test_an_earlier_result_is_replaced_only_when_asked(tmp_path):
    out = tmp_path / "res"
    assert invoke(["books", "--out", str(out)]).exit_code == 0
    before = (out / "books.csv").read_bytes()
    again = invoke(["books", "--out", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    res = invoke(["books", "--out", str(out), "--overwrite", "--set",
                  "finance.capital_share={value: 0.07, unit: ratio, source: 'what-if'}"])
    assert res.exit_code == 0, res.output
    assert (out / "books.csv").read_bytes() != before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"]
    # a file added by the user makes the folder foreign: --overwrite refuses and keeps it
    (out / "my_notes.txt").write_text("mine")
    res = invoke(["books", "--out", str(out), "--overwrite"])
    assert res.exit_code == 2 and "my_notes.txt" in res.output
    assert (out / "my_notes.txt").read_text() == "mine" and (out / "books.csv").is_file()


def test_chart_never_overwrites_a_foreign_file(tmp_path):
    out = tmp_path / "run"
    assert invoke(["run", "--paths", "3", "--no-charts", "--out", str(out)]).exit_code == 0
    (out / "survival.png").write_bytes(b"my own picture")
    res = invoke(["chart", str(out), "--kind", "survival", "--format", "png"])
    assert res.exit_code == 2 and "survival.png" in res.output
    assert (out / "survival.png").read_bytes() == b"my own picture"
    (out / "survival.png").unlink()
    assert invoke(["chart", str(out), "--kind", "survival", "--format", "png"]).exit_code == 0
    # the chart is now listed, so the folder can still be replaced as a whole
    assert invoke(["run", "--paths", "3", "--no-charts", "--out", str(out), "--overwrite"]).exit_code == 0


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_folders_of_dead_runs_are_removed(tmp_path):
    stale = tmp_path / ".res.partial-abc"
    stale.mkdir()
    (stale / PARTIAL_MARKER).write_text(str(_dead_pid()))
    (stale / "summary.csv").write_text("x")
    live = tmp_path / ".res.partial-live"
    live.mkdir()
    (live / PARTIAL_MARKER).write_text(str(os.getppid()))  # a running process
    foreign = tmp_path / ".res.partial-user"  # no marker: not fiscalsim's
    foreign.mkdir()
    assert remove_stale_partials(tmp_path, "res") == [stale]
    assert live.exists() and foreign.exists() and not stale.exists()


def test_an_interrupted_block_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt), atomic_directory(tmp_path / "res") as tmp:
        (tmp / "summary.csv").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def _cli(*args):
    return [sys.executable, "-c", "from fiscalsim.cli import main; main()", *args]


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_run_orphans_no_workers_and_leaves_no_result(tmp_path):
    out = tmp_path / "res"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(_cli("run", "--paths", "6000", "--jobs", "2", "--chunk-paths", "256",
                                 "--no-charts", "--out", str(out)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    parent = psutil.Process(proc.pid)
    workers = _wait_for(lambda: [c for c in parent.children(recursive=True)
                                 if "multiprocessing" in " ".join(c.cmdline())] if proc.poll() is None else None,
                        120, "two workers")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=20)
    assert alive == [], "workers outlived their parent"
    assert not out.exists()
    partials = list(tmp_path.glob(".res.partial-*"))
    # the next run beside it removes what the killed one left
    res = subprocess.run(_cli("run", "--paths", "4", "--no-charts", "--out", str(out)), env=env,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["res"], partials


def test_sigterm_stops_cleanly(tmp_path):
    out = tmp_path / "res"
    proc = subprocess.Popen(_cli("run", "--paths", "20000", "--no-charts", "--out", str(out)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    busy = psutil.Process(proc.pid)
    _wait_for(lambda: proc.poll() is not None or busy.cpu_times().user > 4.0, 120, "the simulation to run")
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
