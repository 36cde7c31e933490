"""Every script in examples/ runs to completion and draws its figure, so none rots."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted(Path(__file__).resolve().parents[1].glob("examples/*.py"))
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
# the figure each example writes, when matplotlib is installed
FIGURES = {
    "activations": "activations.png",
    "dropout": "dropout.png",
    "gaussian_blobs": "gaussian_blobs.png",
    "optimizers": "optimizers.png",
    "quickstart": "quickstart.png",
    "regression": "regression.png",
    "xor": "xor.png",
}


def _run(script, *args, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "SKNN_EXAMPLES_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=script.parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs(script, tmp_path):
    if script.stem.startswith("dask_"):
        pytest.importorskip("distributed", reason="the Dask examples need sknn[dask]")
    args = ("--output", str(tmp_path)) if script.stem == "make_figures" else ()
    result = _run(script, *args, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip(), "an example prints what it shows"
    expected = (
        list(FIGURES.values())
        if script.stem == "make_figures"
        else [FIGURES[script.stem]]
        if script.stem in FIGURES
        else []
    )
    if HAS_MATPLOTLIB:
        for figure in expected:
            assert (tmp_path / figure).stat().st_size > 10_000, figure


def test_every_example_with_a_figure_is_listed():
    plotted = {path.stem for path in EXAMPLES if "savefig" in path.read_text()}
    assert plotted == set(FIGURES)
