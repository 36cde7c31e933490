"""The report: a header describing the machine, and one markdown table per workload."""

import os
import platform
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

from .measurement import PREDICT_COLUMNS, TRAIN_COLUMNS

COLUMN_TITLES = {
    "workload": "workload",
    "system": "system",
    "fit_s": "fit s",
    "vs_sklearn_f64": "speed-up vs sklearn-f64",
    "vs_sklearn_f32": "speed-up vs sklearn-f32",
    "gflops": "GFLOP/s (real)",
    "peak_gflops": "f32 GEMM peak GFLOP/s, beside the fits",
    "peak_fraction": "% of f32 GEMM peak (real)",
    "nominal_peak_fraction": "% of peak, nominal 6nW",
    "us_per_step": "µs / step",
    "predict_s": "predict s",
    "score": "held-out score",
    "epochs_run": "epochs",
    "n_rows": "rows",
    "peak_extra_mib": "peak extra MiB",
    "checks": "targets",
}


def format_cell(column, value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if column.startswith("vs_"):
        return f"{value:.2f}x"
    if column in ("peak_fraction", "nominal_peak_fraction"):
        return f"{100 * value:.1f}%"
    if column in ("fit_s", "predict_s"):
        return f"{value:#.3g}"
    if column in ("gflops", "peak_gflops", "us_per_step", "peak_extra_mib"):
        return f"{value:.1f}"
    if column == "score":
        return f"{value:.4f}"
    if column == "n_rows":
        return f"{value:,}"
    return str(value)


def markdown_table(rows, columns):
    """Rows (dicts) as a GitHub-flavoured markdown table."""
    lines = [
        "| " + " | ".join(COLUMN_TITLES[column] for column in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        cells = (format_cell(column, row[column]) for column in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_description():
    """The thread pools threadpoolctl sees, as one line per library."""
    lines = []
    for info in threadpool_info():
        name = info.get("internal_api", info.get("prefix", "?"))
        details = [f"{info.get('num_threads')} thread(s)"]
        for key in ("version", "architecture", "threading_layer"):
            if info.get(key):
                details.append(f"{key} {info[key]}")
        lines.append(
            f"{name} ({info.get('user_api')}): "
            + ", ".join(details)
            + f" [{Path(info.get('filepath', '')).name}]"
        )
    return lines


def compiled_step_description():
    """Whether sknn's Adam step and gather run compiled on large networks."""
    if os.environ.get("SKNN_COMPILED") == "0":
        return "NumPy (SKNN_COMPILED=0)"
    try:
        import numba
    except ImportError:
        return "NumPy (numba not installed)"
    return f"compiled by numba {numba.__version__} (sknn.core.compiled)"


def environment_lines(threads, gemm_peak_gflops, quick):
    import sklearn

    try:
        import sknn

        sknn_version = getattr(sknn, "__version__", "unknown")
    except ImportError:
        sknn_version = "not importable"
    lines = [
        f"- date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- mode: {'quick (shrunken sizes, 1 repeat)' if quick else 'full'}",
        f"- CPU: {cpu_name()} ({os.cpu_count()} logical CPUs), "
        f"load average at start: {load_average()}",
        f"- BLAS threads (threadpoolctl limit): {threads}",
        f"- float32 GEMM peak (2048x2048 matmul, best of 5) at the start: "
        f"{gemm_peak_gflops:.1f} GFLOP/s"
        + (
            ""
            if quick
            else "; the training tables measure it again (best of 3) before "
            "every fit, and take each fit's fraction against the peak measured "
            "just before it (the table shows the median peak)"
        ),
        f"- Python {platform.python_version()}, NumPy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, sknn {sknn_version}",
    ]
    lines.append(f"- sknn's Adam step and gather: {compiled_step_description()}")
    lines += [f"- thread pool: {line}" for line in blas_description()]
    lines.append(f"- BLAS environment variables: {blas_environment()}")
    if "OPENBLAS_CORETYPE" in os.environ:
        lines.append(
            "- note: OPENBLAS_CORETYPE forces one CPU's kernels for every system; "
            "to time this CPU's own, run with "
            "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`"
        )
    return lines


def blas_environment():
    """The variables that change which BLAS kernels run, and how many threads.

    OPENBLAS_CORETYPE forces one CPU's kernels (e.g. Haswell's AVX2 ones on a
    CPU with AVX-512), which changes every system's matrix-product speed.
    """
    names = (
        "OPENBLAS_CORETYPE",
        "OPENBLAS_L2_SIZE",
        "OPENBLAS_NUM_THREADS",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
    )
    found = [f"{name}={os.environ[name]}" for name in names if name in os.environ]
    return ", ".join(found) or "none set"


def load_average():
    """The 1-minute load average, or "unknown"; other work on the machine skews
    the timings."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def workload_section(workload, rows):
    columns = PREDICT_COLUMNS if workload.n_predict else TRAIN_COLUMNS
    return f"### {workload.key} {workload.title}\n\n" + markdown_table(rows, columns)
