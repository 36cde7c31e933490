"""scikit-learn's meanings, to the letter: what a user swapping one import for
the other relies on, beyond the step-for-step equivalence of test_equivalence.py,
and errors that name the real problem."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris
from sklearn.metrics import log_loss
from sklearn.model_selection import cross_val_score, learning_curve
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier, FirstNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
rng = np.random.default_rng(0)
X = rng.normal(size=(60, 4))
y = (X[:, 0] > 0).astype(int)


# ------------------------------------------------------------ schedules
def test_learning_rate_applies_to_sgd_only_and_lr_schedule_to_any_solver():
    digits_X, digits_y = load_digits(return_X_y=True)
    digits_X = StandardScaler().fit_transform(digits_X)
    params = dict(hidden_layer_sizes=(32,), max_iter=15, random_state=0)
    plain = FirstNetClassifier(**params).fit(digits_X, digits_y)
    ignored = FirstNetClassifier(learning_rate="invscaling", **params)
    ignored.fit(digits_X, digits_y)
    np.testing.assert_array_equal(ignored.coefs_[0], plain.coefs_[0])
    scheduled = FirstNetClassifier(lr_schedule="invscaling", **params)
    scheduled.fit(digits_X, digits_y)
    rates = [record["learning_rate"] for record in scheduled.history_]
    assert rates[-1] < rates[0] < 0.001  # each record holds the rate after its epoch
    assert ignored.score(digits_X, digits_y) > 0.9


# ------------------------------------------------------------ single class
def test_a_single_class_fits_a_model_that_predicts_it():
    clf = FirstNetClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X, ["a"] * 60)
    assert clf.predict(X[:4]).tolist() == ["a"] * 4
    np.testing.assert_array_equal(clf.predict_proba(X[:4]), np.ones((4, 1)))
    assert clf.classes_.tolist() == ["a"]


def test_multioutput_with_a_constant_column_and_learning_curve_on_small_subsets():
    Y = np.column_stack([y, np.zeros(60, dtype=int)])
    clf = MultiOutputClassifier(FirstNetClassifier(hidden_layer_sizes=(3,), max_iter=5))
    assert clf.fit(X, Y).predict(X).shape == (60, 2)
    estimator = FirstNetClassifier(hidden_layer_sizes=(3,), max_iter=5)
    sizes, train, test = learning_curve(
        estimator, X, y, train_sizes=[2, 10, 40], cv=3, error_score="raise"
    )
    assert np.isfinite(test).all()


# -------------------------------------------------------- early stopping
def test_early_stopping_on_small_multiclass_data_falls_back_to_a_shuffled_split():
    digits_X, digits_y = load_digits(return_X_y=True)
    scores = cross_val_score(
        FirstNetClassifier(early_stopping=True, max_iter=20, random_state=0),
        digits_X[:60],
        digits_y[:60],
        cv=5,
        error_score="raise",
    )
    assert np.isfinite(scores).all()


def test_a_validation_set_too_small_to_score_says_which_parameter_to_raise():
    with pytest.raises(ValueError, match="Increase 'validation_fraction'"):
        FirstNetClassifier(early_stopping=True, validation_fraction=0.01).fit(X, y)


def test_early_stopping_stratifies_when_every_class_fits_in_both_parts():
    from sknn._validation import hold_out

    labels = np.array([0] * 50 + [1] * 10)
    train, validation = hold_out(labels, 0.2, stratify=True, seed=0)
    assert sorted(np.bincount(labels[validation])) == [2, 10]
    assert len(np.intersect1d(train, validation)) == 0 and len(train) == 48


# ---------------------------------------------------------- probabilities
def test_probabilities_of_float32_input_sum_to_one_in_float64():
    iris_X, iris_y = load_iris(return_X_y=True)
    clf = FirstNetClassifier(hidden_layer_sizes=(16,), max_iter=50, random_state=0)
    clf.fit(iris_X, iris_y)
    proba = clf.predict_proba(iris_X.astype(np.float32))
    assert proba.dtype == np.float64
    assert np.abs(proba.sum(axis=1) - 1).max() <= 4 * np.finfo(np.float64).eps
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss(iris_y, proba)


# --------------------------------------------------------- parameter types
def test_parameter_types_scikit_learn_users_pass():
    clf = FirstNetClassifier(
        hidden_layer_sizes=(4, 3),
        dtype=np.dtype("float32"),
        dropout=np.array([0.1, 0.2]),
        activation=np.array(["relu", "tanh"]),
        max_iter=3,
    ).fit(X, y)
    assert clf.hidden_activations_ == ["relu", "tanh"]
    assert all(type(name) is str for name in clf.hidden_activations_)
    with pytest.raises(ValueError, match=r"positive integers, got \[True\]"):
        FirstNetClassifier(hidden_layer_sizes=(True,)).fit(X, y)


# --------------------------------------------------------- odd data, errors
def test_targets_beyond_float32_are_refused_as_such():
    with pytest.raises(ValueError, match="y has values too large for dtype='float32'"):
        FirstNetRegressor().fit(X, np.full(60, 1e39))
    FirstNetRegressor(dtype="float64", max_iter=2).fit(X, np.full(60, 1e39))


@pytest.mark.parametrize("weight", [np.nan, np.inf, -1.0])
def test_class_weight_values_must_be_finite_and_non_negative(weight):
    with pytest.raises(ValueError, match="class_weight values must be finite"):
        FirstNetClassifier(class_weight={0: 1.0, 1: weight}).fit(X, y)


@pytest.mark.parametrize(
    "extra", [{"dropout": 0.5}, {"max_grad_norm": 1.0}, {"lr_schedule": "adaptive"}]
)
def test_extras_lbfgs_cannot_honour_are_refused(extra):
    (name,) = extra
    with pytest.raises(ValueError, match=f"{name}=.*no effect with solver='lbfgs'"):
        FirstNetClassifier(solver="lbfgs", **extra).fit(X, y)


def test_class_weight_for_classes_never_given_is_refused_at_the_first_call():
    clf = FirstNetClassifier(class_weight={0: 1.0, 7: 2.0})
    with pytest.raises(ValueError, match=r"label\(s\) \[7\] that are not among"):
        clf.partial_fit(X, y, classes=[0, 1, 2])
    assert not hasattr(clf, "classes_")


def test_multilabel_class_weight_says_what_it_accepts():
    Y = np.column_stack([y, 1 - y])
    with pytest.raises(ValueError, match="'balanced' or None"):
        FirstNetClassifier(class_weight={0: 2.0}).fit(X, Y)
    FirstNetClassifier(class_weight="balanced", max_iter=2).fit(X, Y)


def test_dropout_errors_give_the_real_reason_in_plain_values():
    with pytest.raises(ValueError, match=r"-0\.1 is negative"):
        FirstNetClassifier(hidden_layer_sizes=(3, 3), dropout=[0.1, -0.1]).fit(X, y)
    with pytest.raises(ValueError, match=r"1\.0 would drop every unit"):
        FirstNetClassifier(hidden_layer_sizes=(3, 3), dropout=[np.float64(1.0), 0]).fit(
            X, y
        )


def test_messages_show_labels_as_plain_values():
    iris_X, iris_y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[iris_y]
    clf = FirstNetClassifier(max_iter=2).partial_fit(
        iris_X, names, classes=np.unique(names)
    )
    with pytest.raises(ValueError) as error:
        clf.partial_fit(iris_X[:3], ["daisy"] * 3)
    assert "'setosa'" in str(error.value) and "np.str_" not in str(error.value)


# ----------------------------------------------------------------- plotting
def test_loss_curve_display_draws_the_final_step_of_a_pipeline():
    pytest.importorskip("matplotlib")
    from sknn.plotting import LossCurveDisplay

    pipeline = make_pipeline(StandardScaler(), FirstNetClassifier(max_iter=5)).fit(X, y)
    display = LossCurveDisplay.from_estimator(pipeline)
    np.testing.assert_array_equal(display.loss_curve, pipeline[-1].loss_curve_)
