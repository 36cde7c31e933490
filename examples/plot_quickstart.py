"""
Quickstart: a drop-in replacement for MLPClassifier
===================================================

Handwritten digits (8x8 images, 10 classes) go through a
``Pipeline(StandardScaler, FirstNetClassifier)``: the same code that runs
scikit-learn's :class:`~sklearn.neural_network.MLPClassifier`, with the class
name changed. The script prints the 5-fold cross-validated accuracy of both
with the same parameters, tunes the pipeline with a small grid search, saves
the best model with joblib and loads it back, and draws its loss curve.
"""

import tempfile
import time
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier
from sknn.plotting import LossCurveDisplay

X, y = load_digits(return_X_y=True)
shared = dict(hidden_layer_sizes=(64,), alpha=1e-3, max_iter=400, random_state=0)

# %%
# The same parameters, the same scores
# ------------------------------------
# Both estimators get identical parameters and the same five folds.

print("5-fold cross-validated accuracy, same parameters:", shared)
for estimator in (FirstNetClassifier(**shared), MLPClassifier(**shared)):
    start = time.perf_counter()
    scores = cross_val_score(make_pipeline(StandardScaler(), estimator), X, y, cv=5)
    seconds = time.perf_counter() - start
    name = type(estimator).__name__
    print(f"  {name:<19} {scores.mean():.3f} +/- {scores.std():.3f} ({seconds:.1f} s)")

# %%
# Tuning inside a pipeline
# ------------------------
# ``make_pipeline`` names each step after its lower-cased class name, so the
# network's parameters are reached as ``firstnetclassifier__<parameter>``.

X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=0
)
param_grid = {
    "firstnetclassifier__hidden_layer_sizes": [(32,), (64,)],
    "firstnetclassifier__alpha": [1e-4, 1e-2],
}
pipeline = make_pipeline(StandardScaler(), FirstNetClassifier(**shared))
search = GridSearchCV(pipeline, param_grid, cv=3).fit(X_train, y_train)
best = search.best_estimator_
print(f"Grid search best parameters: {search.best_params_}")
print(f"  cross-validated accuracy {search.best_score_:.3f}")
print(f"Held-out accuracy of the best pipeline: {best.score(X_test, y_test):.3f}")

# %%
# Saving and loading
# ------------------
# A joblib file holds the whole fitted pipeline. Load only files you made
# yourself: loading a pickle runs code (see the user guide on sharing models).

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder, "digits.joblib")
    joblib.dump(best, path)
    reloaded = joblib.load(path)
identical = np.array_equal(best.predict(X_test), reloaded.predict(X_test))
print(f"Saved and loaded back: identical predictions = {identical}")

# %%
# The loss curve of the best model
# --------------------------------
# The last step of the pipeline is the fitted network, with scikit-learn's
# ``loss_curve_``; :class:`~sknn.plotting.LossCurveDisplay` draws it.

fig, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
LossCurveDisplay.from_estimator(best[-1], ax=ax, name="Digits: best grid-search model")
plt.show()
