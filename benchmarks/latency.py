"""Latency of sknn's prediction on small inputs, and of partial_fit on small chunks.

Usage::

    python benchmarks/latency.py [--quick] [--threads N] [--repeats R]

Prediction: a ``(64,)``-unit binary classifier on 50 features answers
``predict_proba`` for 1, 10 and 100 rows. The systems, all in one process
under the same thread limit:

- ``sknn``: ``FirstNetClassifier`` fed float64 rows (the common case);
- ``sknn-f32``: the same model fed float32 rows;
- ``sklearn``: scikit-learn's ``MLPClassifier`` (same network) fed float64 rows;
- ``onnxruntime``: the sknn model exported with ``sknn.to_onnx``, fed the
  float32 rows its graph takes, in a session limited to the same threads
  (left out, and reported "not installed", without onnxruntime).

Training: ``partial_fit`` on chunks of 10 rows of a 20-feature binary problem
with one hidden layer of 32 units, sknn against scikit-learn.

Each timing is the median, over interleaved repeats, of the mean time per call
in a loop of calls; the ratios compare medians taken in this one run. The
targets of the latency work are printed next to the ratios they apply to.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

SEED = 0
N_FEATURES = 50
HIDDEN = (64,)
ROW_COUNTS = (1, 10, 100)
# the largest ratio to onnxruntime the latency work aims at, per number of rows
ONNX_TARGETS = {1: 2.0, 100: 1.5}
PARTIAL_FIT_FEATURES = 20
PARTIAL_FIT_HIDDEN = (32,)
PARTIAL_FIT_ROWS = 10


def cpu_name():
    """The CPU's model name, as the operating system reports it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def onnxruntime_or_none():
    try:
        import onnxruntime
    except ImportError:
        return None
    return onnxruntime


def time_per_call(call, n_calls):
    """Mean seconds per call over ``n_calls`` calls of ``call()``."""
    start = time.perf_counter()
    for _ in range(n_calls):
        call()
    return (time.perf_counter() - start) / n_calls


def interleaved_medians(calls, n_calls, repeats):
    """Median seconds per call of each named call, repeats interleaved."""
    for call in calls.values():
        call()  # warm-up: first-call costs are not latency
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            times[name].append(time_per_call(call, n_calls))
    return {name: statistics.median(values) for name, values in times.items()}


def fitted_models(ort, threads):
    """The sknn and scikit-learn classifiers, and the exported model's runner."""
    from sklearn.datasets import make_classification
    from sklearn.neural_network import MLPClassifier

    from sknn import FirstNetClassifier, to_onnx

    X, y = make_classification(
        n_samples=2000, n_features=N_FEATURES, n_informative=20, random_state=SEED
    )
    settings = dict(hidden_layer_sizes=HIDDEN, max_iter=5, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not converged in 5 epochs: irrelevant
        sknn_model = FirstNetClassifier(**settings).fit(X, y)
        sklearn_model = MLPClassifier(**settings).fit(X, y)
    run_onnx = None
    if ort is not None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(
            to_onnx(sknn_model).SerializeToString(),
            options,
            providers=["CPUExecutionProvider"],
        )

        def run_onnx(rows):
            return session.run(["probabilities"], {"X": rows})

    return X, sknn_model, sklearn_model, run_onnx


def prediction_rows(ort, threads, n_calls, repeats):
    """One row per number of rows: median microseconds per call, and ratios."""
    X, sknn_model, sklearn_model, run_onnx = fitted_models(ort, threads)
    rows = []
    for n_rows in ROW_COUNTS:
        X64 = np.ascontiguousarray(X[:n_rows])
        X32 = X64.astype(np.float32)
        calls = {
            "sknn": partial(sknn_model.predict_proba, X64),
            "sknn-f32": partial(sknn_model.predict_proba, X32),
            "sklearn": partial(sklearn_model.predict_proba, X64),
        }
        if run_onnx is not None:
            calls["onnxruntime"] = partial(run_onnx, X32)
        medians = interleaved_medians(calls, n_calls, repeats)
        us = {name: 1e6 * seconds for name, seconds in medians.items()}
        onnx_us = us.get("onnxruntime")
        ratio = None if onnx_us is None else us["sknn"] / onnx_us
        target = ONNX_TARGETS.get(n_rows)
        rows.append(
            {
                "rows": n_rows,
                "sknn_us": us["sknn"],
                "sknn_f32_us": us["sknn-f32"],
                "sklearn_us": us["sklearn"],
                "onnxruntime_us": onnx_us,
                "sknn_vs_sklearn": us["sknn"] / us["sklearn"],
                "sknn_vs_onnxruntime": ratio,
                "target": _verdict(ratio, target),
            }
        )
    return rows


def _verdict(ratio, target):
    if target is None:
        return ""
    if ratio is None:
        return f"<= {target}x onnxruntime: not measured"
    return f"<= {target}x onnxruntime: {'PASS' if ratio <= target else 'FAIL'}"


def partial_fit_row(n_calls, repeats):
    """Median microseconds per ``partial_fit`` call on a chunk, sknn and sklearn."""
    from sklearn.datasets import make_classification
    from sklearn.neural_network import MLPClassifier

    from sknn import FirstNetClassifier

    X, y = make_classification(
        n_samples=PARTIAL_FIT_ROWS * n_calls,
        n_features=PARTIAL_FIT_FEATURES,
        random_state=SEED,
    )
    chunks = [
        (X[start : start + PARTIAL_FIT_ROWS], y[start : start + PARTIAL_FIT_ROWS])
        for start in range(0, len(X), PARTIAL_FIT_ROWS)
    ]
    classes = np.unique(y)
    settings = dict(hidden_layer_sizes=PARTIAL_FIT_HIDDEN, random_state=SEED)

    def stream(model):
        def call():
            for X_chunk, y_chunk in chunks:
                model.partial_fit(X_chunk, y_chunk, classes=classes)

        return call

    calls = {
        "sknn": stream(FirstNetClassifier(**settings)),
        "sklearn": stream(MLPClassifier(**settings)),
    }
    # one "call" streams every chunk once: per chunk, divide by their number
    medians = interleaved_medians(calls, 1, repeats)
    us = {name: 1e6 * seconds / len(chunks) for name, seconds in medians.items()}
    ratio = us["sknn"] / us["sklearn"]
    return {
        "chunk_rows": PARTIAL_FIT_ROWS,
        "sknn_us": us["sknn"],
        "sklearn_us": us["sklearn"],
        "sknn_vs_sklearn": ratio,
        "target": f"<= 1x sklearn: {'PASS' if ratio <= 1 else 'FAIL'}",
    }


def markdown_table(rows):
    """``rows`` (dicts with the same keys) as a markdown table."""
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def _cell(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return str(value)


def report(quick=False, threads=1, repeats=None):
    """The whole benchmark, as markdown text."""
    ort = onnxruntime_or_none()
    repeats = repeats or (3 if quick else 15)
    n_calls = 20 if quick else 300
    n_chunks = 20 if quick else 200
    with threadpool_limits(threads):
        prediction = prediction_rows(ort, threads, n_calls, repeats)
        training = partial_fit_row(n_chunks, repeats)
    ort_version = "not installed" if ort is None else ort.__version__
    return "\n".join(
        [
            "# sknn latency",
            "",
            f"- threads: {threads}",
            f"- CPU: {cpu_name()}",
            f"- numpy: {np.__version__}",
            f"- onnxruntime: {ort_version}",
            f"- repeats: {repeats} (medians), {n_calls} calls per repeat",
            "",
            f"## predict_proba, {N_FEATURES} features, hidden {HIDDEN} "
            "(microseconds per call)",
            "",
            markdown_table(prediction),
            "",
            f"## partial_fit, {PARTIAL_FIT_FEATURES} features, hidden "
            f"{PARTIAL_FIT_HIDDEN} (microseconds per call)",
            "",
            markdown_table([training]),
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="few repeats and calls")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/ORT threads")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats")
    args = parser.parse_args(argv)
    print(report(quick=args.quick, threads=args.threads, repeats=args.repeats))


if __name__ == "__main__":
    main()
