"""History, progress and interrupts: what a user sees of a running fit."""

import numpy as np
import pytest
from faults import raise_at_batch
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier, FirstNetRegressor
from sknn.core.network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
X, y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_history_has_one_record_per_epoch(solver):
    clf = FirstNetClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=15, random_state=0
    ).fit(X, y)
    assert len(clf.history_) == clf.n_iter_ == len(clf.loss_curve_)
    assert [r["epoch"] for r in clf.history_] == list(range(1, clf.n_iter_ + 1))
    assert [r["loss"] for r in clf.history_] == clf.loss_curve_
    assert all(r["seconds"] >= 0 for r in clf.history_)


def test_history_records_validation_loss_and_learning_rate():
    clf = FirstNetClassifier(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        max_iter=20,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    assert [r["val_score"] for r in clf.history_] == clf.validation_scores_
    assert all(r["val_loss"] > 0 for r in clf.history_)
    assert all(r["learning_rate"] == 0.01 for r in clf.history_)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_keyboard_interrupt_keeps_a_usable_model(monkeypatch, early_stopping):
    # batch_size=50 makes 3 batches per epoch of iris (150 rows, or 135 after the
    # early-stopping split)
    params = dict(
        hidden_layer_sizes=(8,),
        batch_size=50,
        max_iter=20,
        random_state=0,
        early_stopping=early_stopping,
        n_iter_no_change=100,
    )
    reference = FirstNetClassifier(**{**params, "max_iter": 4}).fit(X, y)
    batches_per_epoch = 3
    monkeypatch.setattr(
        Network,
        "loss_and_gradient",
        raise_at_batch(4 * batches_per_epoch + 2, KeyboardInterrupt),
    )
    with pytest.warns(UserWarning, match="interrupted"):
        clf = FirstNetClassifier(**params).fit(X, y)
    assert clf.n_iter_ == 4
    for ours, theirs in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_array_equal(ours, theirs)  # the weights of epoch 4 (or best)
    assert clf.predict(X).shape == (150,)


sklearn_callback = pytest.importorskip(
    "sklearn.callback", reason="scikit-learn < 1.9 has no callback framework"
)


class EpochCounter:
    """A minimal FitCallback: counts epochs and scores each intermediate model."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.begun = self.ended = 0
        self.scores = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        self.begun += 1

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, fitted_estimator=None
    ):
        self.ended += 1
        if context.task_name == "epoch" and fitted_estimator is not None:
            self.scores.append(fitted_estimator.score(X, y))
            return self.stop_after is not None and len(self.scores) >= self.stop_after
        return False


@pytest.mark.parametrize("Estimator", [FirstNetClassifier, FirstNetRegressor])
def test_callbacks_see_every_epoch(Estimator):
    counter = EpochCounter()
    target = y if Estimator is FirstNetClassifier else y.astype(float)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=7, random_state=0)
    est.set_callbacks(counter).fit(X, target)
    assert counter.begun == counter.ended == 1 + 7
    assert len(counter.scores) == 7


def test_a_callback_can_stop_training():
    counter = EpochCounter(stop_after=3)
    clf = FirstNetClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    clf.set_callbacks(counter).fit(X, y)
    assert clf.n_iter_ == 3 and counter.begun == counter.ended


def test_intermediate_models_improve():
    counter = EpochCounter()
    FirstNetClassifier(
        hidden_layer_sizes=(8,), max_iter=30, learning_rate_init=0.01, random_state=0
    ).set_callbacks(counter).fit(X, y)
    assert counter.scores[-1] > counter.scores[0]


def test_scoring_monitor_records_scores_per_epoch():
    monitor = sklearn_callback.ScoringMonitor(scoring="accuracy")
    FirstNetClassifier(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0
    ).set_callbacks(monitor).fit(X, y)
    logs = monitor.get_logs()
    assert logs, "ScoringMonitor logged nothing"


def test_progress_bar_shows_only_when_set(capsys):
    pytest.importorskip("rich", reason="scikit-learn's ProgressBar needs rich")
    FirstNetClassifier(hidden_layer_sizes=(8,), max_iter=5).fit(X, y)
    assert capsys.readouterr().out == ""
    bar = sklearn_callback.ProgressBar()
    FirstNetClassifier(hidden_layer_sizes=(8,), max_iter=5).set_callbacks(bar).fit(X, y)
    captured = capsys.readouterr()
    assert "FirstNetClassifier" in captured.out + captured.err


class PropagatedEpochCounter(EpochCounter):
    """Set on a meta-estimator, scikit-learn hands it down to the estimators inside."""

    max_propagation_depth = None


def test_callbacks_propagate_from_grid_search_and_pipeline():
    counter = PropagatedEpochCounter()
    grid = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            FirstNetClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0),
        ),
        {"firstnetclassifier__alpha": [1e-4, 1e-2]},
        cv=2,
    )
    grid.set_callbacks(counter).fit(X, y)
    # 2 candidates x 2 folds + the refit, 3 epochs each, each scored mid-fit
    assert len(counter.scores) == 5 * 3
