"""sknn.tabular_pipeline: the recipe as an ordinary scikit-learn pipeline."""

import io
import sys

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score

from sknn import FirstNetClassifier, FirstNetRegressor, tabular_pipeline
from sknn._resolve import OPTIONAL_GROUPS, parameter_groups
from sknn.ensemble import SeedEnsembleClassifier, SeedEnsembleRegressor
from sknn.tabular import MEMBERS, recipe_parameters

pd = pytest.importorskip("pandas")
pytest.importorskip("skrub")

FAST = dict(
    hidden_layer_sizes=(16,), max_iter=60, learning_rate_init=0.01, random_state=0
)


@pytest.fixture
def frame():
    """Numeric and categorical columns, with missing values in both."""
    rng = np.random.default_rng(0)
    n = 240
    size = rng.normal(70, 20, n)
    city = rng.choice(["Paris", "Lyon", "Nice"], n)
    X = pd.DataFrame(
        {
            "size": np.where(rng.random(n) < 0.1, np.nan, size),
            "rooms": rng.integers(1, 6, n).astype(float),
            "city": pd.Series(np.where(rng.random(n) < 0.1, None, city)).astype(
                "category"
            ),
        }
    )
    price = 3000 * size + 50000 * (city == "Paris") + rng.normal(0, 1e4, n)
    return X, price, (price > np.median(price)).astype(int)


def test_classifier_from_a_data_frame(frame):
    X, _, labels = frame
    model = tabular_pipeline("classifier", **FAST).fit(X, labels)
    assert MEMBERS["classifier"] == 1 and type(model[-1]) is FirstNetClassifier
    assert [name for name, _ in model.steps] == [
        "vectorizer",
        "imputer",
        "scaler",
        "network",
    ]
    assert model.predict_proba(X).shape == (len(X), 2)
    assert model.score(X, labels) > 0.8


def test_regressor_predicts_in_units_of_y(frame):
    X, price, _ = frame
    model = tabular_pipeline("regression", **FAST).fit(X, price)
    assert isinstance(model[-1], SeedEnsembleRegressor)
    assert MEMBERS["regressor"] == model[-1].n_members == "auto"
    assert len(model[-1].estimators_) == 5  # 12,000 // 240 rows, at most 5
    assert all(member.normalize_y for member in model[-1].estimators_)
    assert model.score(X, price) > 0.5


def test_recipe_and_overrides_reach_the_network():
    network = tabular_pipeline("regressor", alpha=0.5)[-1].estimator
    expected = {**recipe_parameters("regressor"), "alpha": 0.5}
    params = network.get_params()
    assert {name: params[name] for name in expected} == expected
    assert "normalize_y" not in recipe_parameters("classifier")


def test_n_members_chooses_one_network_or_an_ensemble():
    single = tabular_pipeline("regressor", n_members=1, random_state=3)[-1]
    assert type(single) is FirstNetRegressor and single.random_state == 3
    pair = tabular_pipeline("classifier", n_members=2)[-1]
    assert isinstance(pair, SeedEnsembleClassifier)
    assert type(pair.estimator) is FirstNetClassifier
    ensemble = tabular_pipeline("regressor", n_members=3, random_state=3)[-1]
    assert isinstance(ensemble, SeedEnsembleRegressor)
    assert (ensemble.n_members, ensemble.random_state) == (3, 3)
    assert type(ensemble.estimator) is FirstNetRegressor
    assert ensemble.estimator.random_state is None  # the ensemble seeds its members
    for bad in (0, 1.5, "2"):
        with pytest.raises(ValueError, match="n_members must be an integer >= 1 or"):
            tabular_pipeline("regressor", n_members=bad)


def test_an_ensemble_is_its_seeded_networks_averaged(frame):
    X, price, _ = frame
    model = tabular_pipeline("regressor", **FAST).fit(X, price)
    features = model[:-1].transform(X)
    members = model[-1].estimators_
    assert len({member.random_state for member in members}) == len(members)
    np.testing.assert_allclose(
        model.predict(X), np.mean([m.predict(features) for m in members], axis=0)
    )
    again = tabular_pipeline("regressor", **FAST).fit(X, price)
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_works_where_a_pipeline_does(frame):
    X, _, labels = frame
    pipeline = tabular_pipeline("classifier", n_members=2, **FAST)
    scores = cross_val_score(pipeline, X, labels, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.6)
    grid = {"network__estimator__alpha": [1e-4, 1.0]}
    search = GridSearchCV(pipeline, grid, cv=2).fit(X, labels)
    assert search.best_params_["network__estimator__alpha"] in (1e-4, 1.0)
    single = tabular_pipeline("classifier", **FAST)
    grid = {"network__alpha": [1e-4, 1.0]}
    assert GridSearchCV(single, grid, cv=2).fit(X, labels).best_score_ > 0.6
    buffer = io.BytesIO()
    joblib.dump(search.best_estimator_, buffer)
    buffer.seek(0)
    restored = joblib.load(buffer)
    np.testing.assert_array_equal(
        restored.predict_proba(X), search.best_estimator_.predict_proba(X)
    )


@pytest.mark.parametrize("n_members", [1, 2])
def test_network_step_exports_to_onnx(frame, n_members):
    onnxruntime = pytest.importorskip("onnxruntime")
    from sknn import to_onnx

    X, price, _ = frame
    model = tabular_pipeline("regressor", n_members=n_members, **FAST).fit(X, price)
    features = model[:-1].transform(X).astype(np.float32)
    session = onnxruntime.InferenceSession(to_onnx(model[-1]).SerializeToString())
    (exported,) = session.run(None, {"X": np.asarray(features)})
    np.testing.assert_allclose(exported.ravel(), model.predict(X), rtol=1e-4)


def test_unknown_task_is_refused():
    with pytest.raises(ValueError, match="task must be one of"):
        tabular_pipeline("clustering")


def test_without_skrub_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skrub", None)
    with pytest.raises(ImportError, match=r"sknn\[tabular\]"):
        tabular_pipeline("classifier")


@pytest.mark.parametrize(
    "switch, off",
    [
        ("parametric_activation", False),
        ("feature_scaling", False),
        ("numeric_embedding", None),
    ],
)
def test_an_override_that_turns_a_group_off_drops_its_factor(switch, off):
    (group,) = [g for g, (name, _) in OPTIONAL_GROUPS.items() if name == switch]
    assert group in recipe_parameters("classifier")["lr_factors"]
    params = recipe_parameters("classifier", **{switch: off})
    assert group not in params["lr_factors"]
    assert set(params["lr_factors"]) <= set(parameter_groups(params))
