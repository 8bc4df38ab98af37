"""The company-scale bench scales its 10 s target by this machine's speed: it reruns the
scorer and engine of the commit issue #17 was measured on, from the git history."""

import subprocess

import pytest

from bench.matching import ISSUE_COMMIT, ROOT, report_issue_engine, run_issue_engine


def test_it_reruns_the_issue_engine_from_the_git_history():
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", ISSUE_COMMIT + "^{commit}"])
    if found.returncode:
        pytest.skip(f"no git history holding {ISSUE_COMMIT} (a shallow clone or an archive)")

    run = run_issue_engine(300, 120, 4)

    assert run is not None, f"git archive {ISSUE_COMMIT} failed"
    assert run["objective"][0] == 300
    assert run["total_s"] == pytest.approx(run["score_s"] + run["assign_s"])


def test_it_scales_the_target_by_the_issue_run_here(capsys):
    # The issue's run took 19.5 s there and 39 s here: this machine is 2× slower, 20 s is the bar.
    report_issue_engine(
        {"score_s": 9, "assign_s": 30, "total_s": 39.0, "peak_mb": 2300}, {"total_s": 19.9}
    )
    met = capsys.readouterr().out
    report_issue_engine(
        {"score_s": 9, "assign_s": 30, "total_s": 39.0, "peak_mb": 2300}, {"total_s": 20.1}
    )
    missed = capsys.readouterr().out

    assert "≤ 20.0 s here" in met and met.rstrip().endswith(": met")
    assert missed.rstrip().endswith("NOT MET")


def test_it_says_when_the_issue_engine_was_not_run(capsys):
    report_issue_engine(None, {"total_s": 9.0})

    assert "not run" in capsys.readouterr().out
