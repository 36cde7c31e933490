"""How every model is fitted and scored: seeded splits, metrics, timings.

Each dataset is split several times (75/25 by default, stratified for
classification, split ``k`` seeded with ``k``); every model is fitted on the
training part and scored on the held-out part. A model that raises is recorded
with its error and the run goes on.
"""

from __future__ import annotations

import os
import platform
import time
import traceback
import warnings
from datetime import datetime, timezone
from importlib import metadata

import numpy as np
from joblib import Parallel, delayed
from sklearn.metrics import (
    accuracy_score,
    log_loss,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_info, threadpool_limits

import sknn

# The score that ranks models, per task family, and whether higher is better.
PRIMARY_METRIC = {"classification": "accuracy", "regression": "r2"}


def task_family(task):
    """'classification' for 'binary' and 'multiclass', else 'regression'."""
    return "regression" if task == "regression" else "classification"


def split_dataset(X, y, task, seed, test_size=0.25):
    """One seeded train/test split, stratified for classification."""
    stratify = None if task == "regression" else y
    return train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=stratify
    )


def score(estimator, task, X_test, y_test):
    """Held-out metrics of a fitted estimator, and the prediction time.

    Classifiers are timed on ``predict_proba``; their labels are the classes of
    highest probability, which is what ``predict`` returns for every model here.

    Returns
    -------
    dict
        'accuracy', 'log_loss' and, for binary tasks, 'roc_auc'; or 'r2' and
        'rmse'; plus 'predict_s'.
    """
    start = time.perf_counter()
    if task == "regression":
        prediction = estimator.predict(X_test)
        predict_s = time.perf_counter() - start
        return {
            "r2": r2_score(y_test, prediction),
            "rmse": float(np.sqrt(mean_squared_error(y_test, prediction))),
            "predict_s": predict_s,
        }
    proba = estimator.predict_proba(X_test)
    predict_s = time.perf_counter() - start
    classes = estimator.classes_
    metrics = {
        "accuracy": accuracy_score(y_test, classes[np.argmax(proba, axis=1)]),
        "log_loss": log_loss(y_test, proba, labels=classes),
    }
    if task == "binary":
        metrics["roc_auc"] = roc_auc_score(y_test == classes[1], proba[:, 1])
    metrics["predict_s"] = predict_s
    return metrics


def evaluate(model, dataset_name, task, split, n_threads):
    """Fit ``model`` on one split and score it; a failure becomes a record.

    Parameters
    ----------
    model : Model
        The registry entry to build.
    dataset_name, task : str
        Recorded alongside the scores.
    split : tuple
        ``(seed, X_train, X_test, y_train, y_test)``.
    n_threads : int
        Passed to the model's builder.

    Returns
    -------
    dict
        The identifying fields, the metrics, 'fit_s', and 'error' (None, or the
        exception's type and message).
    """
    seed, X_train, X_test, y_train, y_test = split
    record = {
        "dataset": dataset_name,
        "task": task,
        "model": model.name,
        "split": seed,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "n_columns": X_train.shape[1],
        "error": None,
    }
    # Warnings are kept in the record rather than printed: default iteration
    # budgets often end unconverged, and third-party libraries are chatty.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            estimator = model.build(task, seed, n_threads)
            start = time.perf_counter()
            estimator.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            record.update(score(estimator, task, X_test, y_test), fit_s=fit_s)
        except Exception as error:
            record["error"] = f"{type(error).__name__}: {error}"
            record["traceback"] = traceback.format_exc(limit=-3)
    record["warnings"] = sorted(
        {f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught}
    )
    return record


def run(
    datasets,
    models,
    n_splits=3,
    max_rows=8000,
    n_threads=1,
    model_splits=None,
    log=print,
    n_jobs=1,
):
    """Evaluate every model on every split of every dataset.

    Parameters
    ----------
    datasets : list of Dataset
    models : list of Model
    n_splits : int, default=3
        Splits per dataset, seeded 0, 1, ...
    max_rows : int or None, default=8000
        Row cap applied when loading.
    n_threads : int, default=1
        Thread limit for BLAS and OpenMP, and for models with their own pools.
    model_splits : dict, default=None
        Fewer splits for some models, by name (slow ones run on the first few).
    log : callable, default=print
        Receives one line per fit.
    n_jobs : int, default=1
        Datasets evaluated at once, each in its own process with ``n_threads``
        threads; with more than one, a dataset's lines are logged when it is
        done. Keep ``n_jobs * n_threads`` within the machine's cores, or the
        fit times measure the contention.

    Returns
    -------
    list of dict
        One record per (dataset, split, model), see :func:`evaluate`, in the
        order of ``datasets``.
    """
    settings = (models, n_splits, max_rows, n_threads, model_splits or {})
    if n_jobs == 1:
        return [
            record
            for dataset in datasets
            for record in _run_dataset(dataset, *settings, log=log)
        ]
    everything = []
    parallel = Parallel(n_jobs=n_jobs, return_as="generator")  # in order
    for records in parallel(delayed(_run_dataset)(d, *settings) for d in datasets):
        for record in records:
            log(_progress_line(record))
        everything += records
    return everything


def _run_dataset(
    dataset, models, n_splits, max_rows, n_threads, model_splits, log=None
):
    """The records of every model on every split of one dataset."""
    records = []
    with threadpool_limits(limits=n_threads):
        X, y = dataset.load(max_rows=max_rows)
        for seed in range(n_splits):
            split = (seed, *split_dataset(X, y, dataset.task, seed))
            for model in models:
                if seed >= model_splits.get(model.name, n_splits):
                    continue
                record = evaluate(model, dataset.name, dataset.task, split, n_threads)
                if log is not None:
                    log(_progress_line(record))
                records.append(record)
    return records


def _progress_line(record):
    where = f"{record['dataset']:<16} split {record['split']} {record['model']:<12}"
    if record["error"] is not None:
        return f"{where} FAILED {record['error']}"
    family = task_family(record["task"])
    primary = PRIMARY_METRIC[family]
    return f"{where} {primary} {record[primary]:.4f}  fit {record['fit_s']:.2f} s"


def environment(n_threads):
    """What the numbers depend on: date, CPU, thread limits, versions."""
    with threadpool_limits(limits=n_threads):
        pools = [
            f"{pool['internal_api']} ({pool['user_api']}) "
            f"{pool['num_threads']} thread(s)"
            for pool in threadpool_info()
        ]
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_name(),
        "logical_cpus": os.cpu_count(),
        "thread_limit": n_threads,
        "thread_pools": pools,
        "versions": {"python": platform.python_version(), **_package_versions()},
    }


def _package_versions():
    # sknn's own version comes from the code imported, which need not be the
    # installed distribution (a checkout on PYTHONPATH).
    versions = {}
    for package in ("numpy", "pandas", "scikit-learn", "pytabkit", "torch"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass  # an optional model's library that is not installed
    return {**versions, "sknn": sknn.__version__}


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
