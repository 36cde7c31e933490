"""Every script in examples/ runs once, prints what it says it shows, and draws.

The scripts are also the documentation's gallery. Each runs here in a temporary
working directory, through a small runner that saves the figures the script
left open (it shows them with ``plt.show()``, a no-op under the Agg backend),
so nothing lands in the repository.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.rglob("*.py"))

# Runs a script as ``python script.py`` would, then saves its open figures.
RUNNER = """
import runpy, sys
runpy.run_path(sys.argv[1], run_name="__main__")
if "matplotlib.pyplot" in sys.modules:
    import matplotlib.pyplot as plt
    for number in plt.get_fignums():
        plt.figure(number).savefig(f"figure_{number}.png")
"""

# What each script's docstring says it prints, as patterns its output matches.
CLAIMS = {
    "plot_quickstart": [
        r"FirstNetClassifier\s+0\.9\d\d \+/- ",
        r"MLPClassifier\s+0\.9\d\d \+/- ",
        r"Grid search best parameters: \{",
        r"identical predictions = True",
    ],
    "plot_xor": [
        r"Perceptron \(no hidden layer\) accuracy: 0\.[0-7]\d",
        r"FirstNetClassifier, hidden \(4,\) tanh:\s+1\.00",
    ],
    "plot_gaussian_blobs": [
        r"Feature stds\s+before / after: \[1\d\d\.\d+ +1\.\d+\] \[1\. 1\.\]",
        r"Test accuracy: 0\.9[5-9]\d",
        r"Confusion matrix",
    ],
    "plot_regression": [
        r"slope 2\.9\d\d, intercept -[12]\.\d+ from the weights",
        r"slope 2\.9\d\d, intercept -[12]\.\d+ by least squares",
        r"tanh \(32, 32\) 0\.8\d\d",
        r"LinearRegression\s+0\.[0-4]\d\d\n  the true function",
    ],
    "plot_activations": [
        r"gelu'\s+-0\.086",
        # every derivative agrees with its finite difference to 1e-9 or better
        r"Largest .*:\n(  \w+ +\d\.\de-(09|1\d)\n){8}",
    ],
    "plot_optimizers": [
        r"(\n(SGD|SGD \+ momentum 0\.9|RMSProp|Adam|AdamW) +\d\.\d{4} +\w+ +0\.\d+ +"
        r"\d+\.\d\d){5}",
    ],
    "plot_dropout": [
        r"no dropout +best 0\.\d+ \(epoch +\d+\), final (?P<plain>\d\.\d+)",
        r"dropout 0\.7 +best 0\.\d+ \(epoch +\d+\), final (?P<dropout>\d\.\d+)",
    ],
    "dask_gridsearch": [
        r"cluster: 2 workers",
        r"identical mean test scores: True",
    ],
    "dask_out_of_core": [
        r"training data +1\.\d\d GiB",
        # the workers never held the data: their peak stays under its size
        r"peak memory +0\.\d\d GiB",
        r"held-out accuracy on 200,000 rows: 0\.9\d\d",
    ],
    "plot_1_forward_pass": [
        r"largest \|core output - predict\|: (0\.0e\+00|\d\.\de-1[2-9])",
        r"(unit \d: tanh\([+-]\d\.\d\d x [+-]\d\.\d\d\), "
        r"outgoing weight [+-]\d\.\d\d\n){3}",
    ],
    "plot_2_output_gradient": [
        r"(  \w+ +with \w+ +\d\.\de-(0[6-9]|1\d)\n){4}",
    ],
    "plot_3_gradient_check": [
        r"55 parameters, 44 of them weights",
        r"largest \|backprop - finite difference\|: \d\.\de-(0[7-9]|1\d)",
    ],
    "plot_4_initialization": [
        # ReLU with Xavier weights fades layer after layer; He weights keep it
        r"relu  xavier_normal .* 0\.0\d\n",
        r"relu  he_normal .* 0\.[3-9]\d\n",
    ],
    "plot_5_optimizer_paths": [
        r"SGD, lr [\d.]+ +distance to the minimum 0\.[1-9]",
        r"RMSProp, lr [\d.]+ +distance to the minimum 0\.0\d\d",
    ],
}


def _run(script, cwd):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-c", RUNNER, str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_example_prints_its_claims_and_draws(script, tmp_path):
    if script.stem.startswith("dask_"):
        pytest.importorskip("distributed", reason="the Dask examples need sknn[dask]")
    if script.stem.startswith("plot_"):
        pytest.importorskip("matplotlib", reason="the plot_ examples need sknn[plot]")
    result = _run(script, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr

    matches = [re.search(claim, result.stdout) for claim in CLAIMS[script.stem]]
    missing = [claim for claim, match in zip(CLAIMS[script.stem], matches) if not match]
    assert not missing, f"{missing} not in the output:\n{result.stdout}"
    if script.stem == "plot_dropout":
        final = {k: float(v) for m in matches for k, v in m.groupdict().items()}
        assert final["dropout"] < final["plain"], "dropout climbs less"

    figures = sorted(tmp_path.glob("figure_*.png"))
    if script.stem.startswith("plot_"):
        assert figures, "a plot_ example draws a figure"
        assert all(figure.stat().st_size > 10_000 for figure in figures)
    else:
        assert not figures, "an example that draws is named plot_*.py"


def test_every_example_has_its_claims():
    assert {script.stem for script in EXAMPLES} == set(CLAIMS)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_example_fits_the_gallery(script):
    """Short, titled, and silent about where figures go: the gallery decides."""
    text = script.read_text()
    assert len(text.splitlines()) < 100
    assert re.match(r'"""\n.+\n=+\n', text), "a docstring that opens with a title"
    for habit in ("argparse", "matplotlib.use(", "savefig("):
        assert habit not in text, habit
