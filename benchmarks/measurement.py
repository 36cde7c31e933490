"""Timing, memory and checks: running one workload's systems and scoring them.

Repeats are interleaved across systems (sklearn-f64, sklearn-f32, sknn,
sklearn-f64, ...) so that a slow phase of the machine hurts all of them alike,
and each row reports medians.
"""

import gc
import math
import statistics
import time
import tracemalloc
import warnings
from dataclasses import replace

import numpy as np

from .ceiling import step_ceilings
from .systems import systems_for
from .workloads import SEED, split_data

# Columns of the training table (workloads W1-W4), in display order.
TRAIN_COLUMNS = (
    "workload",
    "system",
    "fit_s",
    "vs_sklearn_f64",
    "vs_sklearn_f32",
    "gflops",
    "peak_gflops",
    "peak_fraction",
    "nominal_peak_fraction",
    "us_per_step",
    "predict_s",
    "score",
    "epochs_run",
    "checks",
)

# Columns of the large-prediction table (workload W5), in display order.
PREDICT_COLUMNS = (
    "workload",
    "system",
    "n_rows",
    "predict_s",
    "vs_sklearn_f64",
    "vs_sklearn_f32",
    "peak_extra_mib",
    "score",
    "checks",
)


def measure_gemm_peak(size=2048, trials=5):
    """Best float32 GFLOP/s of a ``size x size`` matrix product on this machine.

    Run it under the same thread limit as the benchmark.
    """
    rng = np.random.default_rng(SEED)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    out = np.empty((size, size), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up: lets BLAS start its threads
    best = math.inf
    for _ in range(trials):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        best = min(best, time.perf_counter() - start)
    return 2.0 * size**3 / best / 1e9


def timed(function, *args):
    """Run ``function(*args)`` after a garbage collection; return (result, s)."""
    gc.collect()
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def peak_extra_memory_mib(function, *args):
    """Peak memory allocated while ``function(*args)`` runs, in MiB.

    Measured with ``tracemalloc``, which sees NumPy's array buffers as well as
    Python objects (NumPy reports its allocations to it); memory that existed
    before the call is not counted, the returned array is.
    """
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = function(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return (peak - baseline) / 2**20


def silence_convergence_warnings():
    """Ignore the "maximum iterations reached" warnings a fixed budget causes."""
    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", category=ConvergenceWarning)


def score_tolerance(task, reference_score, n_held_out):
    """How far below sklearn-f64's held-out score still counts as noise.

    Accuracy: three binomial standard errors of the held-out estimate, at least
    one point. R^2: 0.02.
    """
    if task == "regression":
        return 0.02
    p = min(max(reference_score, 0.0), 1.0)
    return max(0.01, 3.0 * math.sqrt(p * (1.0 - p) / n_held_out))


def add_ratios(rows, times):
    """Speed-ups of each row relative to the sklearn rows (higher is faster).

    ``times`` holds each system's seconds, one per repeat. A speed-up is the
    median of the repeats' own ratios: the fits of one round run seconds
    apart, and a shared machine's speed moves over seconds, so a round's pair
    is compared at one speed where the ratio of two medians may mix a fast
    phase with a slow one.

    Examples
    --------
    >>> rows = [{"system": "sklearn-f64"}, {"system": "sklearn-f32"}]
    >>> rows.append({"system": "sknn"})
    >>> times = {"sklearn-f64": [1, 4, 9], "sklearn-f32": [1, 4, 9]}
    >>> times["sknn"] = [1, 1, 9]  # ratios 1, 4 and 1; medians 4 and 1
    >>> add_ratios(rows, times)
    >>> rows[2]["vs_sklearn_f64"]
    1.0
    """
    for row in rows:
        own = times[row["system"]]
        for reference in ("sklearn-f64", "sklearn-f32"):
            pairs = zip(times[reference], own)
            ratio = statistics.median(float(ref / t) for ref, t in pairs)
            row["vs_" + reference.replace("-", "_")] = ratio


def add_checks(workload, rows, n_held_out):
    """Fill each row's ``checks`` cell with its targets and PASS/FAIL.

    sknn rows also check that their held-out score is within noise of
    sklearn-f64's (a better score always passes).
    """
    by_system = {row["system"]: row for row in rows}
    reference_score = by_system["sklearn-f64"]["score"]
    tolerance = score_tolerance(workload.task, reference_score, n_held_out)
    for row in rows:
        verdicts = [
            f"{target.label}: {'PASS' if target.is_met(row[target.metric]) else 'FAIL'}"
            for target in workload.targets
            if target.system == row["system"]
        ]
        if row["system"].startswith("sknn"):
            within_noise = row["score"] >= reference_score - tolerance
            verdicts.append(
                f"score >= sklearn-f64 - {tolerance:.3f}: "
                f"{'PASS' if within_noise else 'FAIL'}"
            )
        if "epochs_run" in row and row["epochs_run"] != workload.epochs:
            verdicts.append(f"ran {row['epochs_run']} of {workload.epochs} epochs")
        row["checks"] = "; ".join(verdicts)


def run_training_workload(workload, systems, gemm_peak_gflops, ceilings=False):
    """Time fit and predict of every system on ``workload``; one row each, and
    with ``ceilings`` one for each of ``benchmarks.ceiling.CEILINGS`` after them.

    Repeats are interleaved across systems and summarised by their median.
    ``gemm_peak_gflops`` is the GEMM peak, or a function that measures it: it
    is then called before every fit, and each fit's fraction of the peak is
    taken against the peak measured just before it, so that a machine whose
    speed drifts (a shared virtual one) is compared with itself at that moment.
    """
    silence_convergence_warnings()
    X_train, y_train, X_test, y_test = split_data(workload)
    inputs = {
        dtype: (X_train.astype(dtype), X_test.astype(dtype))
        for dtype in {system.input_dtype for system in systems}
    }
    warm_up(workload, systems, inputs, y_train)

    measure_peak = (
        gemm_peak_gflops if callable(gemm_peak_gflops) else lambda: gemm_peak_gflops
    )
    fit_times = {system.name: [] for system in systems}
    peaks = {system.name: [] for system in systems}  # each measured before a fit
    predict_times = {system.name: [] for system in systems}
    fitted = {}
    for _ in range(workload.repeats):
        for system in systems:
            train, test = inputs[system.input_dtype]
            estimator = system.builder(workload)
            peaks[system.name].append(measure_peak())
            _, seconds = timed(estimator.fit, train, y_train)
            fit_times[system.name].append(seconds)
            _, seconds = timed(estimator.predict, test)
            predict_times[system.name].append(seconds)
            fitted[system.name] = estimator

    flops = float(workload.flops_per_sample) * workload.n_train * workload.epochs
    # the figure commonly quoted, 6 n W, counts an input gradient never computed
    nominal_flops = 6.0 * workload.n_train * workload.n_weights * workload.epochs
    n_steps = workload.steps_per_epoch * workload.epochs
    rows = []
    for system in systems:
        times, fit_peaks = fit_times[system.name], peaks[system.name]
        fit_s = statistics.median(times)
        # each fit against the peak measured before it: GFLOP/s over GFLOP/s
        paired = [1e9 * t * peak for t, peak in zip(times, fit_peaks)]
        estimator = fitted[system.name]
        test = inputs[system.input_dtype][1]
        rows.append(
            {
                "workload": workload.key,
                "system": system.name,
                "fit_s": fit_s,
                "gflops": flops / fit_s / 1e9,
                "peak_gflops": statistics.median(fit_peaks),
                "peak_fraction": statistics.median(flops / p for p in paired),
                "nominal_peak_fraction": statistics.median(
                    nominal_flops / p for p in paired
                ),
                "us_per_step": fit_s / n_steps * 1e6,
                "predict_s": statistics.median(predict_times[system.name]),
                "score": float(estimator.score(test, y_test)),
                "epochs_run": int(estimator.n_iter_),
            }
        )
    add_ratios(rows, fit_times)
    add_checks(workload, rows, workload.n_test)
    rows = [{column: row[column] for column in TRAIN_COLUMNS} for row in rows]
    if ceilings:
        for name, ceiling in step_ceilings(workload, X_train, measure_peak).items():
            empty = dict.fromkeys(TRAIN_COLUMNS, None)
            rows.append({**empty, "workload": workload.key, "system": name, **ceiling})
    return rows


def warm_up(workload, systems, inputs, y_train):
    """Fit each system once on a small slice so first-call costs are not timed."""
    tiny = replace(workload, n_train=min(workload.n_train, 256), epochs=1)
    for system in systems:
        train, _ = inputs[system.input_dtype]
        system.builder(tiny).fit(train[: tiny.n_train], y_train[: tiny.n_train])


def run_predict_workload(workload, systems):
    """Time ``predict_proba`` on ``workload.n_predict`` rows; one row per system.

    The models are trained briefly on a small subset; then each repeat times
    every system's ``predict_proba`` in turn, and one extra call per system,
    not timed, measures its peak extra memory with ``tracemalloc``.
    """
    silence_convergence_warnings()
    X_train, y_train, X_big, y_big = split_data(workload)
    inputs = {
        dtype: (X_train.astype(dtype), X_big.astype(dtype, copy=False))
        for dtype in {system.input_dtype for system in systems}
    }
    del X_big
    fitted = {}
    for system in systems:
        train, _ = inputs[system.input_dtype]
        fitted[system.name] = system.builder(workload).fit(train, y_train)

    predict_times = {system.name: [] for system in systems}
    for _ in range(workload.repeats):
        for system in systems:
            big = inputs[system.input_dtype][1]
            proba, seconds = timed(fitted[system.name].predict_proba, big)
            predict_times[system.name].append(seconds)
            del proba

    rows = []
    for system in systems:
        estimator = fitted[system.name]
        big = inputs[system.input_dtype][1]
        proba = estimator.predict_proba(big)
        accuracy = float(np.mean(estimator.classes_[proba.argmax(axis=1)] == y_big))
        del proba
        rows.append(
            {
                "workload": workload.key,
                "system": system.name,
                "n_rows": workload.n_predict,
                "predict_s": statistics.median(predict_times[system.name]),
                "peak_extra_mib": peak_extra_memory_mib(estimator.predict_proba, big),
                "score": accuracy,
            }
        )
    add_ratios(rows, predict_times)
    add_checks(workload, rows, workload.n_predict)
    return [{column: row[column] for column in PREDICT_COLUMNS} for row in rows]


def run_workload(
    workload, gemm_peak_gflops, include_torch=None, threads=1, ceilings=False
):
    """Run one workload with its default systems.

    Parameters
    ----------
    workload : Workload
        The problem to run, e.g. one of ``full_workloads()``.
    gemm_peak_gflops : float or callable
        This machine's float32 matrix-product peak, from ``measure_gemm_peak``,
        or a function measuring it, called before each training fit (see
        ``run_training_workload``).
    include_torch : bool or None, default=None
        Whether to add the PyTorch reference row; None adds it when torch is
        importable (never for the prediction workload).
    threads : int, default=1
        Threads for the PyTorch reference; BLAS threads are limited by the
        caller with ``threadpool_limits``.
    ceilings : bool, default=False
        Whether a training workload's rows end with its ceilings: the fraction
        of the peak its step's matrix products alone allow, and with sknn's
        gather and Adam step added (``benchmarks.ceiling``).

    Returns
    -------
    rows : list of dict
        One row per system, keyed by ``PREDICT_COLUMNS`` for the prediction
        workload and by ``TRAIN_COLUMNS`` otherwise (None where a ceiling
        has no value).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from benchmarks.workloads import quick_workloads
    >>> tiny = replace(quick_workloads()[0], n_train=100, epochs=1)
    >>> rows = run_workload(tiny, gemm_peak_gflops=100.0, include_torch=False)
    >>> [row["system"] for row in rows]
    ['sklearn-f64', 'sklearn-f32', 'sknn']
    """
    systems = systems_for(workload, include_torch=include_torch, threads=threads)
    if workload.n_predict:
        return run_predict_workload(workload, systems)
    return run_training_workload(workload, systems, gemm_peak_gflops, ceilings)
