"""Smoke test of the latency benchmark: a reduced run fills every row of its tables.

Timings are never asserted here; the benchmark itself reports its targets.
"""

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "latency.py"


def _load():
    spec = importlib.util.spec_from_file_location("sknn_latency_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table_rows(text, header_start):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return lines[start], rows


def test_reduced_run_reports_every_row():
    latency = _load()
    text = latency.report(quick=True, repeats=1)

    assert "- threads: 1" in text
    assert "- CPU: " in text
    ort = latency.onnxruntime_or_none()
    assert f"- onnxruntime: {'not installed' if ort is None else ort.__version__}" in (
        text
    )
    header, rows = _table_rows(text, "| rows |")
    assert [row[0] for row in rows] == [str(n) for n in latency.ROW_COUNTS]
    n_columns = header.count("|") - 1
    for row in rows:
        assert len(row) == n_columns
        timings = row[1:4] if ort is None else row[1:7]
        assert all(float(cell) > 0 for cell in timings)
    targets = {row[0]: row[-1] for row in rows}
    assert targets["1"].endswith(("PASS", "FAIL", "not measured"))
    assert targets["100"].endswith(("PASS", "FAIL", "not measured"))

    _, training = _table_rows(text, "| chunk_rows |")
    assert len(training) == 1
    assert training[0][0] == str(latency.PARTIAL_FIT_ROWS)
    assert float(training[0][1]) > 0 and float(training[0][2]) > 0
