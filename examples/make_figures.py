"""Regenerate the figures that README.md shows, by running the examples.

    python examples/make_figures.py            # writes docs/images/*.png

Each example saves its own figure; this script runs the ones the README shows,
one after another, with ``--save-dir`` pointing at ``docs/images`` (or at
``--output``), and stops at the first that fails.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
README_FIGURES = [
    "xor",
    "gaussian_blobs",
    "regression",
    "activations",
    "optimizers",
    "dropout",
    "quickstart",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output",
        type=Path,
        default=HERE.parent / "docs" / "images",
        help="where to write the figures (default: %(default)s)",
    )
    output = parser.parse_args().output
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for name in README_FIGURES:
        print(f"== {name}", flush=True)
        subprocess.run(
            [sys.executable, str(HERE / f"{name}.py"), "--save-dir", str(output)],
            check=True,
            env=env,
        )
    for leftover in output.glob("*.joblib"):  # the quickstart's saved model
        leftover.unlink()
    print(f"Figures written to {output}")


if __name__ == "__main__":
    main()
