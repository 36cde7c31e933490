"""Quickstart: sknn as a drop-in replacement for scikit-learn's MLPClassifier.

Handwritten digits (8x8 images, 10 classes) go through a
``Pipeline(StandardScaler, FirstNetClassifier)``. The script prints

1. the 5-fold cross-validated accuracy next to scikit-learn's MLPClassifier
   with the same parameters,
2. the result of a small grid search over the pipeline,
3. a joblib save / load round trip that predicts exactly as the original,

and saves the loss curve of the best model as ``quickstart.png`` in the
directory given by ``--save-dir`` (default: the ``SKNN_EXAMPLES_DIR``
environment variable, else ``sknn-examples`` in the system's temp directory).
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import joblib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier

SHARED_PARAMS = dict(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=400, random_state=0)


def parse_save_dir():
    default = os.environ.get("SKNN_EXAMPLES_DIR") or Path(
        tempfile.gettempdir(), "sknn-examples"
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=Path(default),
        help="where to write the figure (default: %(default)s)",
    )
    return parser.parse_args().save_dir


def compare_with_scikit_learn(X, y):
    print("5-fold cross-validated accuracy, same parameters:", SHARED_PARAMS)
    for estimator in (
        FirstNetClassifier(**SHARED_PARAMS),
        MLPClassifier(**SHARED_PARAMS),
    ):
        start = time.perf_counter()
        scores = cross_val_score(make_pipeline(StandardScaler(), estimator), X, y, cv=5)
        seconds = time.perf_counter() - start
        name = type(estimator).__name__
        print(
            f"  {name:<19} {scores.mean():.3f} +/- {scores.std():.3f} ({seconds:.1f} s)"
        )


def grid_search(X_train, y_train):
    pipeline = make_pipeline(StandardScaler(), FirstNetClassifier(**SHARED_PARAMS))
    # the pipeline names its steps after the lower-cased class names
    param_grid = {
        "firstnetclassifier__hidden_layer_sizes": [(32,), (64,)],
        "firstnetclassifier__alpha": [1e-4, 1e-2],
    }
    search = GridSearchCV(pipeline, param_grid, cv=3).fit(X_train, y_train)
    print(f"Grid search best parameters: {search.best_params_}")
    print(f"  cross-validated accuracy {search.best_score_:.3f}")
    return search.best_estimator_


def save_and_reload(model, X_test, save_dir):
    save_dir.mkdir(parents=True, exist_ok=True)
    path = save_dir / "quickstart_model.joblib"
    joblib.dump(model, path)
    reloaded = joblib.load(path)
    identical = np.array_equal(model.predict(X_test), reloaded.predict(X_test))
    print(f"Saved to {path} and loaded back: identical predictions = {identical}")
    return identical


def plot_loss_curve(model, save_dir):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed, no figure (pip install "sknn[plot]")')
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sknn.plotting import LossCurveDisplay

    fig, ax = plt.subplots(figsize=(5, 3.5))
    LossCurveDisplay.from_estimator(
        model[-1], ax=ax, name="Digits: best grid-search model"
    )
    path = save_dir / "quickstart.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    print(f"Figure saved to {path}")


def main():
    save_dir = parse_save_dir()
    X, y = load_digits(return_X_y=True)
    compare_with_scikit_learn(X, y)

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0
    )
    best = grid_search(X_train, y_train)
    print(f"Held-out accuracy of the best pipeline: {best.score(X_test, y_test):.3f}")
    if not save_and_reload(best, X_test, save_dir):
        raise SystemExit("the reloaded model predicts differently")
    plot_loss_curve(best, save_dir)


if __name__ == "__main__":
    main()
