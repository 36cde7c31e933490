"""Smoke tests of the benchmark script: its workloads run and fill every column.

Timings are never asserted here; the benchmark itself reports its targets.
"""

import importlib.util
import math
import sys
from dataclasses import replace
from pathlib import Path

import pytest

BENCHMARK_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("sknn_benchmark", BENCHMARK_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while being defined.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def workload(bench, key, **changes):
    workloads = {w.key: w for w in bench.quick_workloads()}
    return replace(workloads[key], repeats=1, **changes)


def test_smallest_training_workload_fills_every_column(bench):
    tiny = workload(bench, "W1", n_train=120, n_features=6, epochs=2)
    rows = bench.run_workload(tiny, gemm_peak_gflops=100.0, include_torch=False)

    assert [row["system"] for row in rows] == ["sklearn-f64", "sklearn-f32", "sknn"]
    for row in rows:
        assert tuple(row) == bench.TRAIN_COLUMNS
        assert row["workload"] == "W1"
        assert row["epochs_run"] == tiny.epochs
        for column in ("fit_s", "gflops", "us_per_step", "predict_s"):
            assert row[column] > 0 and math.isfinite(row[column])
        assert 0.0 <= row["score"] <= 1.0
    by_system = {row["system"]: row for row in rows}
    assert by_system["sklearn-f64"]["vs_sklearn_f64"] == pytest.approx(1.0)
    assert by_system["sklearn-f32"]["vs_sklearn_f32"] == pytest.approx(1.0)
    sknn_checks = by_system["sknn"]["checks"].split("; ")
    assert len(sknn_checks) == 2  # the W1 speed target and the score check
    assert all(check.endswith((": PASS", ": FAIL")) for check in sknn_checks)
    assert by_system["sklearn-f64"]["checks"] == ""

    table = bench.markdown_table(rows, bench.TRAIN_COLUMNS)
    header, separator, *body = table.splitlines()
    assert header.count("|") == separator.count("|") == len(bench.TRAIN_COLUMNS) + 1
    assert len(body) == len(rows)


def test_large_prediction_workload_reports_memory(bench):
    tiny = workload(
        bench, "W5", n_train=150, n_features=8, batch_size=50, n_predict=2_000
    )
    rows = bench.run_workload(tiny, gemm_peak_gflops=100.0, include_torch=False)

    systems = [row["system"] for row in rows]
    assert systems == ["sklearn-f64", "sklearn-f32", "sknn", "sknn-f32-input"]
    for row in rows:
        assert tuple(row) == bench.PREDICT_COLUMNS
        assert row["n_rows"] == 2_000
        # The returned probabilities alone take 2,000 x 2 floats.
        assert row["peak_extra_mib"] * 2**20 >= 2_000 * 2 * 4
        assert row["predict_s"] > 0


def test_quick_mode_shrinks_every_workload(bench):
    def work(w):
        return w.repeats * (w.n_train * w.epochs + w.n_predict)

    full = {w.key: w for w in bench.full_workloads()}
    quick = bench.quick_workloads()
    assert [w.key for w in quick] == list(full)
    for shrunk in quick:
        assert work(shrunk) < work(full[shrunk.key])


def test_unknown_workload_is_refused(bench):
    arguments = bench.parse_arguments(["--only", "W9"])
    with pytest.raises(SystemExit, match="W9"):
        bench.select_workloads(arguments)


def test_latency_runs_with_every_workload_or_when_named(bench):
    assert bench._runs_latency(bench.parse_arguments([]))
    only_latency = bench.parse_arguments(["--only", "l"])
    assert bench.select_workloads(only_latency) == []
    assert bench._runs_latency(only_latency)
    assert not bench._runs_latency(bench.parse_arguments(["--only", "W1"]))


def test_header_names_the_variables_that_pick_blas_kernels(bench, monkeypatch):
    for name in ("CORETYPE", "L2_SIZE", "NUM_THREADS"):
        monkeypatch.delenv("OPENBLAS_" + name, raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    assert bench.blas_environment() == "none set"
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    expected = "OPENBLAS_CORETYPE=Haswell, OPENBLAS_NUM_THREADS=1"
    assert bench.blas_environment() == expected
    lines = bench.environment_lines(threads=1, gemm_peak_gflops=100.0, quick=True)
    assert lines[-2] == "- BLAS environment variables: " + bench.blas_environment()
    assert "env -u OPENBLAS_CORETYPE" in lines[-1]
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    lines = bench.environment_lines(threads=1, gemm_peak_gflops=100.0, quick=True)
    assert lines[-1] == "- BLAS environment variables: OPENBLAS_NUM_THREADS=1"


def test_header_says_whether_sknns_loops_are_compiled(bench, monkeypatch):
    monkeypatch.setenv("SKNN_COMPILED", "0")
    lines = bench.environment_lines(threads=1, gemm_peak_gflops=100.0, quick=True)
    assert "- sknn's Adam step and gather: NumPy (SKNN_COMPILED=0)" in lines
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.delenv("SKNN_COMPILED")
    lines = bench.environment_lines(threads=1, gemm_peak_gflops=100.0, quick=True)
    assert "- sknn's Adam step and gather: NumPy (numba not installed)" in lines


def test_numpy_step_system_trains_without_the_compiled_step(bench, monkeypatch):
    pytest.importorskip("numba")
    from benchmarks import systems
    from benchmarks.workloads import split_data
    from sknn.core import compiled

    monkeypatch.delenv("SKNN_COMPILED", raising=False)
    tiny = workload(bench, "W2", n_train=64, n_features=300, epochs=1)
    by_name = {system.name: system for system in systems.systems_for(tiny, False)}
    # what the compiled step's switch answers at each of the fit's steps
    answers = []
    real = compiled.adam_step
    monkeypatch.setattr(compiled, "adam_step", lambda: answers.append(real()))
    X, y = split_data(tiny)[:2]
    assert by_name["sknn-numpy"].builder(tiny).fit(X, y).n_iter_ == 1
    assert answers and not any(answers)
    assert real() is not None  # the switch is back on after the fit


def test_each_fit_is_compared_with_the_peak_measured_beside_it(bench, monkeypatch):
    import benchmarks.measurement as measurement

    def one_second(function, *args):
        return function(*args), 1.0

    monkeypatch.setattr(measurement, "timed", one_second)
    tiny = replace(workload(bench, "W1", n_train=120, n_features=6), repeats=2)
    n_systems = 3  # sklearn-f64, sklearn-f32, sknn: 100 before each first fit
    peaks = iter([100.0] * n_systems + [300.0] * n_systems)
    rows = bench.run_workload(tiny, lambda: next(peaks), include_torch=False)
    assert len(rows) == n_systems
    flops = tiny.flops_per_sample * tiny.n_train * tiny.epochs / 1e9  # GFLOP
    for row in rows:
        assert row["peak_gflops"] == 200.0
        # the median of flops / 100 and flops / 300, not flops / 200
        assert row["peak_fraction"] == pytest.approx(flops / 150.0)


def test_speed_ups_are_medians_of_each_rounds_own_ratio():
    from benchmarks.measurement import add_ratios

    rows = [{"system": name} for name in ("sklearn-f64", "sklearn-f32", "sknn")]
    # round by round: 1 / 1, 4 / 1 and 9 / 9; the medians would give 4 / 1
    times = {"sklearn-f64": [1, 4, 9], "sklearn-f32": [2, 8, 18], "sknn": [1, 1, 9]}
    add_ratios(rows, times)
    assert rows[2]["vs_sklearn_f64"] == 1.0
    assert rows[2]["vs_sklearn_f32"] == 2.0
    assert rows[0]["vs_sklearn_f64"] == 1.0 and rows[1]["vs_sklearn_f32"] == 1.0


def test_ceilings_follow_the_training_rows(bench):
    from benchmarks.ceiling import CEILINGS

    tiny = workload(bench, "W2", n_train=64, n_features=30, hidden=(16,), epochs=1)
    rows = bench.run_workload(
        tiny, gemm_peak_gflops=100.0, include_torch=False, ceilings=True
    )
    assert [row["system"] for row in rows][-3:] == list(CEILINGS)
    ceilings = rows[-3:]
    for row in ceilings:
        assert tuple(row) == bench.TRAIN_COLUMNS
        assert row["workload"] == "W2" and row["peak_gflops"] == 100.0
        assert 0 < row["peak_fraction"] and row["us_per_step"] > 0
        assert row["fit_s"] is None and row["checks"] is None
    # each ceiling adds work to the one before: the products, then the gather
    # and the Adam step, then the rest of sknn's step
    products, with_memory, whole_step = ceilings
    assert products["us_per_step"] < with_memory["us_per_step"]
    assert products["peak_fraction"] > with_memory["peak_fraction"]
    assert whole_step["us_per_step"] > products["us_per_step"]
    table = bench.markdown_table(rows, bench.TRAIN_COLUMNS)
    assert table.splitlines()[-1].startswith(f"| W2 | {CEILINGS[2]} |  |")


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_sknns_step_in_the_ceilings_trains(bench, task):
    import numpy as np

    from benchmarks.ceiling import SknnStep

    tiny = workload(bench, "W2", n_train=64, n_features=30, hidden=(16,))
    tiny = replace(tiny, task=task, n_classes=3 if task == "multiclass" else 2)
    step = SknnStep(
        tiny,
        np.random.default_rng(1).standard_normal((64, 30)),
        np.random.default_rng(0),
    )
    before = step.network.params.copy()
    step()
    changed = step.network.params != before
    assert changed.all()  # every weight and bias took its Adam step
    assert step.workspace.grad.any() and np.isfinite(step.workspace.grad).all()
    assert step.adam.t == 1


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_the_ceilings_step_takes_the_loss_a_fit_takes(bench, task):
    from benchmarks.ceiling import LOSS
    from benchmarks.systems import build_sknn
    from benchmarks.workloads import split_data
    from sknn.core.losses import LOSSES

    tiny = workload(bench, "W2", n_train=64, n_features=30, hidden=(16,), epochs=1)
    tiny = replace(tiny, task=task, n_classes=3 if task == "multiclass" else 2)
    X, y = split_data(tiny)[:2]
    fitted = build_sknn(tiny).fit(X, y)
    assert fitted.out_activation_ == LOSSES[LOSS[task]].output_activation


def test_ceiling_products_are_the_real_flops_of_a_step(bench):
    import numpy as np

    from benchmarks.ceiling import StepProducts

    for key in ("W1", "W2", "W3", "W4"):
        shapes = workload(bench, key)
        products = StepProducts(shapes, np.random.default_rng(0))
        flops = sum(
            2 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in products.products
        )
        assert flops == shapes.flops_per_sample * products.batch_size
        for a, b, out in products.products:
            assert out.shape == (a.shape[0], b.shape[1])


def test_each_ceiling_round_is_paired_with_the_peak_beside_it(bench, monkeypatch):
    import numpy as np

    from benchmarks import ceiling

    monkeypatch.setattr(ceiling, "ROUNDS", 3)
    # each round times the products, the products with the gather and Adam,
    # and the whole step, each beside a peak (GFLOP/s) of its own
    seconds = iter([0.001, 0.004, 0.006, 0.002, 0.003, 0.005, 0.001, 0.005, 0.007])
    peaks = iter([100.0, 100, 100, 300, 100, 400, 200, 50, 100])
    monkeypatch.setattr(ceiling, "_best_time", lambda function, repeats: next(seconds))
    tiny = workload(bench, "W2", n_train=64, n_features=30, hidden=(16,))
    found = ceiling.step_ceilings(tiny, np.zeros((64, 30)), lambda: next(peaks))
    gflop = tiny.flops_per_sample * min(tiny.batch_size, tiny.n_train) / 1e9
    products, with_memory, whole_step = (found[name] for name in ceiling.CEILINGS)
    # the median of each round's gflop / seconds / peak: for the products
    # 1 / (0.001 x 100), 1 / (0.002 x 300) and 1 / (0.001 x 200)
    assert products == {
        "peak_fraction": pytest.approx(gflop / 0.001 / 200),
        "peak_gflops": 200.0,
        "us_per_step": pytest.approx(1000.0),
    }
    # the gather and Adam: 1 / (0.004 x 100), 1 / (0.003 x 100), 1 / (0.005 x 50)
    assert with_memory["peak_fraction"] == pytest.approx(gflop / 0.003 / 100)
    assert with_memory["us_per_step"] == pytest.approx(4000.0)
    # the whole step: 1 / (0.006 x 100), 1 / (0.005 x 400), 1 / (0.007 x 100)
    assert whole_step["peak_fraction"] == pytest.approx(gflop / 0.007 / 100)
    assert whole_step["peak_gflops"] == 100.0
