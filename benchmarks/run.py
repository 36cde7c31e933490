"""Benchmark sknn against scikit-learn's MLP on the same training problems.

Usage, from the repository root::

    python benchmarks/run.py [--quick] [--threads N] [--markdown PATH]
                             [--only W1,W3] [--repeats N] [--no-torch]

Every workload trains scikit-learn's ``MLPClassifier``/``MLPRegressor`` and
sknn's ``FirstNetClassifier``/``FirstNetRegressor`` with the same architecture,
batch size, number of epochs and Adam learning rate, with early stopping
disabled so that every system runs exactly the same number of epochs. The
systems are timed in the same process and their repeats are interleaved
(sklearn-f64, sklearn-f32, sknn, sklearn-f64, ...) so that a slow phase of the
machine hurts all of them alike; the tables report medians.

scikit-learn is timed twice: fed float64 data (the common case, it then
computes in float64) and fed float32 data (it then computes in float32).
sknn is fed the float64 data and converts it itself.

Achieved GFLOP/s counts the floating-point operations training really does
per sample and epoch: ``2 W`` forward, ``2 W`` for the weight gradients and
``2 (W - W_1)`` for the deltas, as no gradient with respect to the input is
computed (biases and activations are ignored). It is compared with this
machine's float32 matrix-multiplication peak, measured again before each fit
(``measurement.run_training_workload``); the commonly quoted ``6 W``, the
"nominal" column, is shown beside it. Each training table ends with two
ceilings (``ceiling.py``): the fraction of the peak that the step's matrix
products reach when timed alone, and with sknn's minibatch gather and Adam
step added; no trainer computing those products on this BLAS exceeds the
first.

This file is the command; the pieces it runs are modules next to it, read in
this order: ``workloads.py`` (the problems and their targets), ``systems.py``
(the estimators timed), ``measurement.py`` (timing, memory, checks),
``ceiling.py`` (the products alone) and ``report.py`` (the header and the
tables).
"""

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from threadpoolctl import threadpool_limits

if __package__ in (None, ""):
    # Started as a script (python benchmarks/run.py), or loaded from its path:
    # the modules next to this one import as the benchmarks package.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.latency import report as latency_report  # noqa: E402
from benchmarks.measurement import (  # noqa: E402
    PREDICT_COLUMNS,
    TRAIN_COLUMNS,
    measure_gemm_peak,
    run_workload,
)
from benchmarks.report import (  # noqa: E402
    blas_environment,
    environment_lines,
    markdown_table,
    workload_section,
)
from benchmarks.workloads import full_workloads, quick_workloads  # noqa: E402

# The latency workload (one-row to 100-row predictions, partial_fit on small
# chunks): its key for --only, and the tables of benchmarks/latency.py.
LATENCY = "L"

# What the tests and other scripts use, besides the command itself.
__all__ = [
    "PREDICT_COLUMNS",
    "TRAIN_COLUMNS",
    "blas_environment",
    "environment_lines",
    "full_workloads",
    "main",
    "markdown_table",
    "parse_arguments",
    "quick_workloads",
    "run_workload",
    "select_workloads",
]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark sknn against scikit-learn's MLP.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shrunken sizes and one repeat, for a smoke run (< 1 minute)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS / OpenMP threads allowed to every system (default 1)",
    )
    parser.add_argument(
        "--markdown", type=Path, help="also write the report as markdown to PATH"
    )
    parser.add_argument(
        "--only",
        help="comma-separated workload keys to run, e.g. W1,W3 or L for latency "
        "(default: all)",
    )
    parser.add_argument(
        "--repeats", type=int, help="override every workload's number of repeats"
    )
    parser.add_argument(
        "--no-torch",
        action="store_true",
        help="skip the PyTorch reference row even if torch is importable",
    )
    arguments = parser.parse_args(argv)
    if arguments.threads < 1:
        parser.error("--threads must be at least 1")
    if arguments.repeats is not None and arguments.repeats < 1:
        parser.error("--repeats must be at least 1")
    return arguments


def select_workloads(arguments):
    workloads = quick_workloads() if arguments.quick else full_workloads()
    if arguments.only:
        wanted = {key.strip().upper() for key in arguments.only.split(",")}
        unknown = wanted - {workload.key for workload in workloads} - {LATENCY}
        if unknown:
            raise SystemExit(
                f"Unknown workload(s) {sorted(unknown)}; choose among "
                f"{[workload.key for workload in workloads] + [LATENCY]}."
            )
        workloads = [workload for workload in workloads if workload.key in wanted]
    if arguments.repeats:
        workloads = [replace(w, repeats=arguments.repeats) for w in workloads]
    return workloads


def _peak_beside_the_fits():
    return measure_gemm_peak(trials=3)


def _runs_latency(arguments):
    if not arguments.only:
        return True
    return LATENCY in {key.strip().upper() for key in arguments.only.split(",")}


def main(argv=None):
    arguments = parse_arguments(argv)
    workloads = select_workloads(arguments)
    include_torch = False if arguments.no_torch else None
    # Load the BLAS and OpenMP runtimes before limiting them, so that the limit
    # reaches every pool the systems will use.
    import sklearn.neural_network  # noqa: F401

    with threadpool_limits(limits=arguments.threads):
        gemm_peak = measure_gemm_peak()
        header = environment_lines(arguments.threads, gemm_peak, arguments.quick)
        print("## sknn benchmark\n\n" + "\n".join(header) + "\n", flush=True)
        sections = []
        for workload in workloads:
            start = time.perf_counter()
            rows = run_workload(
                workload,
                gemm_peak if arguments.quick else _peak_beside_the_fits,
                include_torch=include_torch,
                threads=arguments.threads,
                ceilings=True,
            )
            section = workload_section(workload, rows)
            elapsed = time.perf_counter() - start
            print(f"{section}\n\n({elapsed:.0f} s)\n", flush=True)
            sections.append(section)
    if _runs_latency(arguments):
        section = latency_report(quick=arguments.quick, threads=arguments.threads)
        print(section + "\n", flush=True)
        sections.append(section)
    if arguments.markdown:
        report = "\n\n".join(["## sknn benchmark", "\n".join(header), *sections])
        arguments.markdown.write_text(report + "\n")
        print(f"Markdown report written to {arguments.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
