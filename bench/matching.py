"""Benchmark: score + optimal assignment at 1,500×600, 5,000×1,500, 20,000×5,000 and
50,000×12,500 (the company-scale row: must-have rule on, targets 10 s and 2 GB).

Run with `.venv/bin/python bench/matching.py` (no Django, no database).  Each
size runs in a fresh subprocess so its peak RSS is its own.  Per size it prints
the time to score and to assign, peak memory, the solver's objective
(matched mentees, total score − load penalty), what a simple best-score-first
greedy gets, and — where the slot-expanded matrix fits (≤ 30M cells) — the
objective of scipy's linear_sum_assignment on that matrix as an independent
check of optimality.

Then the same instance again with the default must-have rule on (the mentor offers one of
the mentee's sought skills at or above the target level, matching/rules.py) as forbidden
pairs: the share of proposals with zero skill fit and the matched share before and after the
rule, the time to build the rule mask and to solve with it, and the LSA check where it fits.

Data is generated to look like a real programme: skills with Zipf-like
popularity, mentees seeking a few skills at a gap of 1–3 levels, mentors
offering several at levels 2–5, career tracks, styles, experience, hours, time
zones, departments, and about 1% forbidden pairs (avoid lists, reporting lines).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # ahead of bench/, whose matching.py is this file

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from matching.engine import assign  # noqa: E402
from matching.greedy import greedy  # noqa: E402
from matching.peers import match_peers  # noqa: E402
from matching.rules import MustHave, restrict, violations  # noqa: E402
from matching.scoring import MenteeData, MentorData, score_matrix  # noqa: E402

# (mentees, mentors, capacity per mentor)
SIZES = [(1_500, 600, 4), (5_000, 1_500, 4), (20_000, 5_000, 4)]
LOAD_PENALTY = (2, 4, 6)
LSA_MAX_CELLS = 30_000_000
TARGETS = {(20_000, 5_000): (15.0, 1536.0), (5_000, 1_500): (2.0, None)}  # seconds, MB
# Company scale (issue #17): score + must-have rules + assign, alone in a fresh process.
SCALE = (50_000, 12_500, 4)
SCALE_TARGET = (10.0, 2048.0)  # seconds, MB (2 GB)
# The issue's own measurement: the engine and scorer of this commit (when #17 was filed) took
# 19.5 s at 50,000 × 12,500 (score + assign, no must-have rule) on the issue's machine, so its
# 10 s target asks for that run 1.95× faster.  The bench reruns it here (BENCH_ISSUE_ENGINE=0
# skips it; it needs the git history) and scales the target by this machine's speed.
ISSUE_COMMIT = "14ec52d"
ISSUE_SECONDS = 19.5
N_SKILLS, N_TRACKS, N_DEPARTMENTS = 60, 9, 40
ZONES = np.array([-8, -7, -6, -5, -4, -3, 0, 1, 2, 3, 5.5, 8, 9, 10])
ZONE_WEIGHTS = np.array([6, 3, 5, 8, 1, 1, 10, 12, 5, 3, 8, 4, 2, 2], dtype=float)


# --- data ----------------------------------------------------------------------------------


def _pick_skills(rng: np.random.Generator, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct skills per person, popular skills more often (exponential-key sampling)."""
    popularity = 1.0 / np.arange(1, N_SKILLS + 1) ** 0.8
    keys = rng.exponential(size=(count.size, N_SKILLS)) / popularity
    order = np.argsort(keys, axis=1)[:, : int(count.max())]
    keep = np.arange(order.shape[1])[None, :] < count[:, None]
    rows = np.nonzero(keep)[0]
    return rows, order[keep]


def generate(n: int, m: int, seed: int = 0) -> tuple[MenteeData, MentorData, np.ndarray]:
    rng = np.random.default_rng(seed)
    current = np.zeros((n, N_SKILLS), dtype=np.int8)
    target = np.zeros_like(current)
    rows, skills = _pick_skills(rng, np.clip(rng.poisson(3, n), 1, 8))
    start = rng.integers(0, 4, rows.size)
    current[rows, skills] = start
    target[rows, skills] = np.minimum(5, start + rng.integers(1, 4, rows.size))
    rows, skills = _pick_skills(rng, np.clip(rng.poisson(6, m), 2, 15))
    proficiency = np.zeros((m, N_SKILLS), dtype=np.int8)
    proficiency[rows, skills] = rng.choice([2, 3, 4, 5], rows.size, p=[0.15, 0.35, 0.35, 0.15])
    tracks = rng.random((m, N_TRACKS)) < 0.12
    tracks[np.arange(m), rng.integers(0, N_TRACKS, m)] = True
    zones = ZONE_WEIGHTS / ZONE_WEIGHTS.sum()
    mentees = MenteeData(
        current_levels=current,
        target_levels=target,
        career_track=np.where(rng.random(n) < 0.1, -1, rng.integers(0, N_TRACKS, n)),
        style=np.where(rng.random(n) < 0.05, -1, rng.integers(0, 4, n)),
        years_experience=rng.integers(0, 16, n),
        hours_per_month=rng.choice([2, 4, 6, 8], n),
        utc_offset=rng.choice(ZONES, n, p=zones),
        department=rng.integers(0, N_DEPARTMENTS, n),
        diversity_preference=np.where(rng.random(n) < 0.3, 1.0, 0.0),
    )
    mentors = MentorData(
        proficiency=proficiency,
        career_tracks=tracks,
        style=rng.integers(0, 4, m),
        years_experience=rng.integers(3, 31, m),
        hours_per_month=rng.choice([2, 4, 6, 8, 10], m),
        utc_offset=rng.choice(ZONES, m, p=zones),
        department=rng.integers(0, N_DEPARTMENTS, m),
    )
    # In row chunks written in place: a full float matrix of random draws (or a stack of
    # chunks) would dwarf the scores.
    allowed = np.empty((n, m), dtype=bool)
    for r in np.array_split(np.arange(n), max(1, n // 1000)):
        if r.size:
            allowed[r[0] : r[-1] + 1] = rng.random((len(r), m), dtype=np.float32) >= 0.01
    return mentees, mentors, allowed


# --- objective, greedy, independent check ---------------------------------------------------


def penalty_of(loads: np.ndarray) -> int:
    """Total load penalty for the given mentor loads."""
    marginal = np.array([0, *LOAD_PENALTY], dtype=np.int64)
    per_load = np.concatenate([[0], np.cumsum(marginal)])
    extra = np.maximum(loads - len(marginal), 0) * marginal[-1]
    return int((per_load[np.minimum(loads, len(marginal))] + extra).sum())


def evaluate(scores: np.ndarray, mate: np.ndarray) -> tuple[int, int]:
    """(matched mentees, total score − total load penalty)."""
    rows = np.nonzero(mate >= 0)[0]
    loads = np.bincount(mate[rows], minlength=scores.shape[1])
    return rows.size, int(scores[rows, mate[rows]].sum(dtype=np.int64)) - penalty_of(loads)


def lsa_objective(scores: np.ndarray, allowed: np.ndarray, capacity: np.ndarray) -> tuple[int, int]:
    """Independent optimum: scipy's Hungarian method on the slot-expanded matrix.

    One column per mentor slot (the k-th slot costs the k-th marginal penalty)
    plus a private "unmatched" column per mentee; a large bonus per match
    makes "as many matches as possible" come first.
    """
    n, m = scores.shape
    cap = np.minimum(capacity, n)
    mentor = np.repeat(np.arange(m), cap)
    rank = np.arange(mentor.size) - np.repeat(np.cumsum(cap) - cap, cap)
    marginal = np.array([0, *LOAD_PENALTY])
    slot_cost = marginal[np.minimum(rank, len(marginal) - 1)]
    bonus = 2.0 * n * 100 + penalty_of(cap) + 1
    value = np.where(allowed[:, mentor], scores[:, mentor] + bonus - slot_cost, -np.inf)
    private = np.full((n, n), -np.inf)
    np.fill_diagonal(private, 0.0)
    matrix = np.hstack([value, private])
    r, c = linear_sum_assignment(matrix, maximize=True)
    matched = int((c < mentor.size).sum())
    return matched, int(round(matrix[r, c].sum() - bonus * matched))


# --- one size in this process ---------------------------------------------------------------


def zero_skill_fit_share(mentees: MenteeData, mentors: MentorData, mate: np.ndarray) -> float:
    """Share of proposals where the mentor covers none of the levels the mentee wants."""
    rows = np.nonzero(mate >= 0)[0]
    if rows.size == 0:
        return 0.0
    current = mentees.current_levels[rows].astype(np.int16)
    target = mentees.target_levels[rows].astype(np.int16)
    offered = mentors.proficiency[mate[rows]].astype(np.int16)
    covered = np.clip(offered - current, 0, np.maximum(target - current, 0)).sum(axis=1)
    return float((covered == 0).mean())


def below_target_share(bits: np.ndarray, mate: np.ndarray) -> float:
    """Share of proposals the skill rule would forbid."""
    rows = np.nonzero(mate >= 0)[0]
    return float((bits[rows, mate[rows]] != 0).mean()) if rows.size else 0.0


def run_one(n: int, m: int, cap: int) -> dict:
    mentees, mentors, allowed = generate(n, m)
    capacity = np.full(m, cap)
    started, cpu_started = time.perf_counter(), time.process_time()
    scores = score_matrix(mentees, mentors)
    scored = time.perf_counter()
    mate = assign(scores, capacity, allowed, LOAD_PENALTY)
    assigned, cpu_assigned = time.perf_counter(), time.process_time()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = bool((np.bincount(mate[mate >= 0], minlength=m) <= capacity).all())
    ok &= bool(allowed[np.nonzero(mate >= 0)[0], mate[mate >= 0]].all())
    result = {
        "n": n,
        "m": m,
        "cap": cap,
        "score_s": scored - started,
        "assign_s": assigned - scored,
        "total_s": assigned - started,
        "cpu_s": cpu_assigned - cpu_started,
        "peak_mb": peak_mb,
        "constraints_ok": ok,
        "objective": evaluate(scores, mate),
        "greedy": evaluate(scores, greedy(scores, capacity, allowed)),
    }
    slots = int(np.minimum(capacity, n).sum())
    if n * (slots + n) <= LSA_MAX_CELLS:
        result["lsa"] = lsa_objective(scores, allowed, capacity)
    # The same instance with the default must-have rule as forbidden pairs.
    started, cpu_started = time.perf_counter(), time.process_time()
    bits = violations(mentees, mentors, MustHave())
    masked = time.perf_counter()
    ruled = allowed & (bits == 0)
    ruled_mate = assign(scores, capacity, ruled, LOAD_PENALTY)
    done, cpu_done = time.perf_counter(), time.process_time()
    rows = np.nonzero(ruled_mate >= 0)[0]
    result["rules"] = {
        "mask_s": masked - started,
        "assign_s": done - masked,
        "total_s": result["score_s"] + done - started,
        "cpu_s": cpu_done - cpu_started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "constraints_ok": bool(ruled[rows, ruled_mate[rows]].all())
        and bool((np.bincount(ruled_mate[rows], minlength=m) <= capacity).all()),
        "objective": evaluate(scores, ruled_mate),
        "forbidden_share": float((bits != 0).mean()),
        "no_allowed_share": float((~ruled.any(axis=1)).mean()),
        "zero_fit_before": zero_skill_fit_share(mentees, mentors, mate),
        "below_target_before": below_target_share(bits, mate),
        "zero_fit_after": zero_skill_fit_share(mentees, mentors, ruled_mate),
        "below_target_after": below_target_share(bits, ruled_mate),
    }
    if n * (slots + n) <= LSA_MAX_CELLS:
        result["rules"]["lsa"] = lsa_objective(scores, ruled, capacity)
    return result


def run_scale(n: int, m: int, cap: int) -> dict:
    """The company-scale row: what a run does with the default must-have rule on.

    Scores in one byte per pair (exact: they are 0–100), the rule ANDed into the hard-rule
    mask in place (no n·m violation bits), then the certified-optimal assignment. Time and
    peak RSS cover all three; the generated data is in the peak too. No greedy or LSA here.
    """
    mentees, mentors, allowed = generate(n, m)
    capacity = np.full(m, cap)
    started, cpu_started = time.perf_counter(), time.process_time()
    scores = score_matrix(mentees, mentors, dtype=np.int8)
    scored, cpu_scored = time.perf_counter(), time.process_time()
    restrict(allowed, mentees, mentors, MustHave())
    masked, cpu_masked = time.perf_counter(), time.process_time()
    solver: dict = {}
    mate = assign(scores, capacity, allowed, LOAD_PENALTY, stats=solver)
    done, cpu_done = time.perf_counter(), time.process_time()
    rows = np.nonzero(mate >= 0)[0]
    return {
        "solver": solver,
        "n": n,
        "m": m,
        "cap": cap,
        "score_s": scored - started,
        "mask_s": masked - scored,
        "assign_s": done - masked,
        "total_s": done - started,
        "cpu_s": cpu_done - cpu_started,
        "cpu_stages": [cpu_scored - cpu_started, cpu_masked - cpu_scored, cpu_done - cpu_masked],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "constraints_ok": bool(allowed[rows, mate[rows]].all())
        and bool((np.bincount(mate[rows], minlength=m) <= capacity).all()),
        "objective": evaluate(scores, mate),
        "zero_fit": zero_skill_fit_share(mentees, mentors, mate),
    }


def product_instance(n: int, m: int, cap: int, seed: int = 0):
    """The generated organisation as the worker sees it: (``ProgramData``, run parameters,
    an unsaved ``MatchingRun``), one-to-one, default must-have rules. Needs Django set up."""
    import dataclasses

    from matching.data import TRACKS, Blocks, PairMask, Person, ProgramData
    from matching.models import MatchingRun, Objective
    from matching.rules import Limits
    from matching.scoring import Weights
    from programs.models import Format, Program

    mentees, mentors, allowed = generate(n, m, seed)
    program = Program(format=Format.ONE_TO_ONE, min_group_size=1, max_group_size=cap)
    people = [
        Person(k, f"Person {k}", f"D{k % N_DEPARTMENTS}", "Lisbon", "Mid", ("English",))
        for k in range(n + m)
    ]
    empty = PairMask((n, m), ())
    data = ProgramData(
        program=program,
        mentees=mentees,
        mentors=mentors,
        mentee_people=people[:n],
        mentor_people=people[n:],
        capacity=np.full(m, cap, dtype=np.int64),
        load=np.zeros(m, dtype=np.int64),
        allowed=allowed,
        blocks=Blocks(empty, empty, empty, empty, empty, empty),
        skill_names=[f"Skill {k}" for k in range(N_SKILLS)],
        limits=Limits.none(n, m, N_SKILLS),
    )
    assert len(TRACKS) >= N_TRACKS
    parameters = {
        "mode": Objective.MAX_MATCHED,
        "weights": dataclasses.asdict(Weights()),
        "load_penalty": list(LOAD_PENALTY),
        "rules": MustHave().as_dict(),
        "weak_below": 0,
    }
    run = MatchingRun(program=program, parameters=parameters, mode=Objective.MAX_MATCHED)
    return data, parameters, run


def run_product(n: int, m: int, cap: int) -> dict:
    """The product's run on the generated organisation: ``matching.solve.compute`` (int8
    scores, rules ANDed into the mask in place, the optimum, the greedy baseline) and the
    explanation stage of the worker (``services._proposals`` and ``_unmatched``: explanations,
    alternatives with swap chains, weak parts, unmatched reasons), as the worker runs them,
    without the database writes. Default must-have rules; peak RSS covers data and all stages.
    """
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_site.settings.test_sqlite")
    django.setup()
    from matching import services, solve

    data, parameters, run = product_instance(n, m, cap)
    mentees, mentors = data.mentees, data.mentors
    started, cpu_started = time.perf_counter(), time.process_time()
    result = solve.compute(data, parameters, lambda *_: None)
    computed, cpu_computed = time.perf_counter(), time.process_time()
    proposals = services._proposals(run, data, result)
    unmatched = services._unmatched(data, result, run.mode)
    done, cpu_done = time.perf_counter(), time.process_time()
    mate = result.assignment
    rows = np.nonzero(mate >= 0)[0]
    return {
        "n": n,
        "m": m,
        "cap": cap,
        "timings": result.timings,
        "compute_s": computed - started,
        "explain_s": done - computed,
        "cpu_stages": [cpu_computed - cpu_started, cpu_done - cpu_computed],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "constraints_ok": bool(result.allowed[rows, mate[rows]].all())
        and bool((np.bincount(mate[rows], minlength=m) <= cap).all()),
        "objective": result.objective,
        "greedy_objective": result.greedy_objective,
        "matched": int(rows.size),
        "proposals": len(proposals),
        "unmatched": len(unmatched),
        "zero_fit": zero_skill_fit_share(mentees, mentors, mate),
    }


_ISSUE_RUN = """
import importlib.util, json, resource, sys, time
root, n, m, cap = sys.argv[1], *(int(a) for a in sys.argv[2:])
sys.path.insert(0, root)
spec = importlib.util.spec_from_file_location("issue_bench", root + "/bench/matching.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
import numpy as np
mentees, mentors, allowed = bench.generate(n, m)
started = time.perf_counter()
scores = bench.score_matrix(mentees, mentors)
scored = time.perf_counter()
mate = bench.assign(scores, np.full(m, cap), allowed, bench.LOAD_PENALTY)
done = time.perf_counter()
print(json.dumps({"score_s": scored - started, "assign_s": done - scored,
    "total_s": done - started, "objective": bench.evaluate(scores, mate),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_issue_engine(n: int, m: int, cap: int) -> dict | None:
    """The issue's measurement on this machine: the scorer and engine of ``ISSUE_COMMIT``
    (``git archive`` of its ``matching`` and ``bench`` into a temporary directory) on its own
    generated n × m instance, score + assign without the must-have rule, in a fresh process.
    None when the git history is not there."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ISSUE_COMMIT, "matching", "bench"],
        capture_output=True,
    )
    if archive.returncode:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        out = subprocess.run(
            [sys.executable, "-c", _ISSUE_RUN, tmp, str(n), str(m), str(cap)],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def report_issue_engine(r: dict | None, scale: dict) -> None:
    """The 10 s target scaled by this machine's speed: the issue's run here against its 19.5 s."""
    seconds = SCALE_TARGET[0]
    if r is None:
        print("  machine   the issue's engine not run (no git history, or BENCH_ISSUE_ENGINE=0)")
        return
    here = seconds * r["total_s"] / ISSUE_SECONDS
    speedup = r["total_s"] / scale["total_s"]
    print(
        f"  machine   the issue's engine ({ISSUE_COMMIT}, no rule) here: score {r['score_s']:.2f} s"
        f" + assign {r['assign_s']:.2f} s = {r['total_s']:.2f} s, {r['peak_mb']:,.0f} MB"
        f" ({ISSUE_SECONDS:g} s on the issue's machine: this one is"
        f" {r['total_s'] / ISSUE_SECONDS:.2f}× slower)"
    )
    met = "met" if scale["total_s"] <= here else "NOT MET"
    print(
        f"  target    ≤ {seconds:g} s on the issue's machine = ≤ {here:.1f} s here (the issue's run"
        f" ≥ {ISSUE_SECONDS / seconds:.2f}× faster): now {speedup:.2f}× faster,"
        f" {scale['total_s']:.2f} s with the rule: {met}"
    )


def report_scale(r: dict) -> None:
    matched, total = r["objective"]
    seconds, megabytes = SCALE_TARGET
    print(
        f"{r['n']:,} mentees × {r['m']:,} mentors, capacity {r['cap']}, penalty {LOAD_PENALTY},"
        " must-have rule on (company scale)"
    )
    print(
        f"  time      score {r['score_s']:.2f} s + rules {r['mask_s']:.2f} s"
        f" + assign {r['assign_s']:.2f} s = {r['total_s']:.2f} s"
    )
    cpu = " + ".join(f"{c:.2f}" for c in r["cpu_stages"])
    print(f"  CPU       {cpu} = {r['cpu_s']:.2f} s (2 threads in scoring, rules and pricing)")
    print(f"  peak RSS  {r['peak_mb']:.0f} MB (data, int8 scores, mask and solve, fresh process)")
    st = r["solver"]
    phases = ", ".join(
        f"{name} {cpu:.2f} s ×{count}"
        for name, (_, cpu, count) in st["phases"].items()
        if name != "solver"
    )
    print(
        f"  assign    {st['rounds']} flow solves on {st['edges']} candidate edges,"
        f" {st['scans']} pricing passes reading {st['rows_read']} rows; CPU {phases}"
    )
    if st.get("solver_cpu"):
        per_solve = ", ".join(f"{t:.2f}" for t in st["solver_cpu"])
        print(f"  solver    CPU inside OR-Tools per solve: {per_solve} s")
    print(
        f"  solver    matched {matched:,} ({100 * matched / r['n']:.2f} %), objective {total:,},"
        f" certified optimal over all pairs; constraints"
        f" {'ok' if r['constraints_ok'] else 'VIOLATED'}, zero skill fit"
        f" {100 * r['zero_fit']:.2f} %"
    )
    time_met = r["total_s"] <= seconds
    memory_met = r["peak_mb"] <= megabytes
    print(
        f"  target    ≤ {seconds:g} s: {'met' if time_met else 'NOT MET'};"
        f" ≤ {megabytes:,.0f} MB (2 GB): {'met' if memory_met else 'NOT MET'}"
    )


def report(r: dict) -> None:
    (matched, total), (g_matched, g_total) = r["objective"], r["greedy"]
    print(f"{r['n']:,} mentees × {r['m']:,} mentors, capacity {r['cap']}, penalty {LOAD_PENALTY}")
    print(
        f"  time      score {r['score_s']:.2f} s + assign {r['assign_s']:.2f} s"
        f" = {r['total_s']:.2f} s  (CPU {r['cpu_s']:.2f} s)"
    )
    print(f"  peak RSS  {r['peak_mb']:.0f} MB (score + assign, fresh process)")
    print(
        f"  solver    matched {matched:,}, objective {total:,}"
        f"  (constraints {'ok' if r['constraints_ok'] else 'VIOLATED'})"
    )
    gap = total - g_total
    print(
        f"  greedy    matched {g_matched:,}, objective {g_total:,}"
        f"  → solver gains {gap:+,} ({100 * gap / max(abs(g_total), 1):.2f} %)"
    )
    if "lsa" in r:
        same = tuple(r["lsa"]) == tuple(r["objective"])
        print(
            f"  check     linear_sum_assignment on slot-expanded matrix: matched"
            f" {r['lsa'][0]:,}, objective {r['lsa'][1]:,} → {'EQUAL' if same else 'DIFFERENT'}"
        )
    ru = r["rules"]
    print(
        f"  rule      mentor offers a sought skill at the target level: forbids"
        f" {100 * ru['forbidden_share']:.1f} % of pairs; {100 * ru['no_allowed_share']:.2f} %"
        " of mentees have no allowed mentor"
    )
    print(
        f"  zero fit  proposals with zero skill fit: before {100 * ru['zero_fit_before']:.2f} %,"
        f" after {100 * ru['zero_fit_after']:.2f} %; below every target level: before"
        f" {100 * ru['below_target_before']:.2f} %, after {100 * ru['below_target_after']:.2f} %"
    )
    n = r["n"]
    print(
        f"  matched   before the rule {100 * matched / n:.2f} %, after"
        f" {100 * ru['objective'][0] / n:.2f} % (objective {ru['objective'][1]:,},"
        f" constraints {'ok' if ru['constraints_ok'] else 'VIOLATED'})"
    )
    print(
        f"  time      with rules: score {r['score_s']:.2f} s + mask {ru['mask_s']:.2f} s"
        f" + assign {ru['assign_s']:.2f} s = {ru['total_s']:.2f} s"
        f" (mask + assign CPU {ru['cpu_s']:.2f} s);"
        f" peak RSS {ru['peak_mb']:.0f} MB"
    )
    if "lsa" in ru:
        same = tuple(ru["lsa"]) == tuple(ru["objective"])
        print(
            f"  check     with rules, linear_sum_assignment: matched {ru['lsa'][0]:,},"
            f" objective {ru['lsa'][1]:,} → {'EQUAL' if same else 'DIFFERENT'}"
        )
    target = TARGETS.get((r["n"], r["m"]))
    if target:
        seconds, megabytes = target
        met = r["total_s"] <= seconds and (megabytes is None or r["peak_mb"] <= megabytes)
        limit = f"≤ {seconds:g} s" + (f", ≤ {megabytes:g} MB" if megabytes else "")
        print(f"  target    {limit}: {'met' if met else 'NOT MET'}")


PEER_SIZES = [300, 1_000, 2_000]


def peer_pool(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Peers scored against each other, with a tenth of pairs forbidden (same team, avoid)."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 100, (n, n))
    symmetric = (raw + raw.T) // 2
    allowed = np.triu(rng.random((n, n)) >= 0.1, k=1)
    return symmetric, allowed | allowed.T


def report_peers() -> None:
    """Peer pools: exhaustive blossom up to peers.EXACT_MAX, candidate edges above."""
    for n in PEER_SIZES:
        symmetric, allowed = peer_pool(n)
        started = time.perf_counter()
        partner, note = match_peers(symmetric, allowed, maximize_matched=True)
        seconds = time.perf_counter() - started
        rows = np.nonzero(partner > np.arange(n))[0]
        total = int(symmetric[rows, partner[rows]].sum())
        method = "candidate edges" if note else "exhaustive"
        print(
            f"{n:,} peers ({method}): {seconds:.1f} s, paired {int((partner >= 0).sum()):,},"
            f" total score {total:,}"
        )


def main() -> int:
    runs = {"--one": run_one, "--scale": run_scale, "--product": run_product}
    if len(sys.argv) == 5 and sys.argv[1] in runs:
        run = runs[sys.argv[1]]
        print(json.dumps(run(*(int(a) for a in sys.argv[2:]))))
        return 0
    failed = False
    for n, m, cap in SIZES:
        result = _subprocess("--one", n, m, cap)
        report(result)
        failed |= not result["constraints_ok"]
        failed |= "lsa" in result and tuple(result["lsa"]) != tuple(result["objective"])
        ruled = result["rules"]
        failed |= not ruled["constraints_ok"] or ruled["zero_fit_after"] > 0
        failed |= "lsa" in ruled and tuple(ruled["lsa"]) != tuple(ruled["objective"])
    scale = _subprocess("--scale", *SCALE)
    report_scale(scale)
    if os.environ.get("BENCH_ISSUE_ENGINE", "1") != "0":
        report_issue_engine(run_issue_engine(*SCALE), scale)
    failed |= not scale["constraints_ok"] or scale["zero_fit"] > 0
    report_peers()
    return 1 if failed else 0


def _subprocess(flag: str, n: int, m: int, cap: int) -> dict:
    """One size in a fresh process, so its peak RSS is its own."""
    out = subprocess.run(
        [sys.executable, __file__, flag, str(n), str(m), str(cap)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
