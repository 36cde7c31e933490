"""Copy the gallery's figures that README.md shows into docs/images/.

Run it after a documentation build, which runs the examples::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python docs/readme_figures.py

README's figures are tracked files, so that they show on the repository's
front page; nothing else writes them.
"""

import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parent
GALLERY = DOCS / "auto_examples"
# README's name for each figure, and where the gallery draws it
FIGURES = {
    "xor.png": "first_networks/images/sphx_glr_plot_xor_001.png",
    "gaussian_blobs.png": "first_networks/images/sphx_glr_plot_gaussian_blobs_001.png",
    "optimizers.png": "training/images/sphx_glr_plot_optimizers_001.png",
    "dropout.png": "training/images/sphx_glr_plot_dropout_001.png",
    "activations.png": "training/images/sphx_glr_plot_activations_001.png",
}


def main():
    missing = [source for source in FIGURES.values() if not (GALLERY / source).exists()]
    if missing:
        raise SystemExit(f"Build the documentation first: {missing} not found.")
    for name, source in FIGURES.items():
        shutil.copyfile(GALLERY / source, DOCS / "images" / name)
        print(f"docs/images/{name} <- docs/auto_examples/{source}")


if __name__ == "__main__":
    main()
