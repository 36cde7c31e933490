"""Tables, summary, raw JSON and figure from the protocol's records.

Scores are averaged over a model's successful splits of a dataset first; every
summary is then taken over datasets, so a large dataset counts as much as a
small one. The primary score is accuracy for classification and R² for
regression; it alone decides ranks, wins and the gap closed.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from .protocol import PRIMARY_METRIC, task_family

REFERENCE_MODEL = "hgb"
BASELINE_MODEL = "sklearn-mlp"
FAMILIES = ("classification", "regression")

METRICS = {
    "classification": ("accuracy", "log_loss", "roc_auc"),
    "regression": ("r2", "rmse"),
}
_TIMES = ("fit_s", "predict_s")
_KEYS = ["dataset", "task", "family", "model"]


def dataset_means(records):
    """Mean of each metric over a model's successful splits of each dataset.

    Returns
    -------
    DataFrame
        One row per (dataset, model) in first-seen order, with 'family',
        'rows' (train plus test), the metrics, 'fit_s' and 'predict_s' (means),
        'fit_s_total', 'splits' (successful), 'failed' (failed splits) and
        'primary' (the ranking score, NaN where every split failed).
    """
    numeric = [*METRICS["classification"], *METRICS["regression"], *_TIMES]
    frame = pd.DataFrame.from_records(records)
    # Columns that no record filled (every fit failed) still exist, as NaN.
    frame = frame.reindex(columns=[*frame.columns.difference(numeric), *numeric])
    frame["family"] = frame["task"].map(task_family)
    frame["rows"] = frame["n_train"] + frame["n_test"]
    frame["succeeded"] = frame["error"].isna()
    grouped = frame.groupby(_KEYS, sort=False)
    means = grouped[numeric].mean()
    means["fit_s_total"] = grouped["fit_s"].sum()
    means["rows"] = grouped["rows"].first()
    means["splits"] = grouped["succeeded"].sum().astype(int)
    means["failed"] = grouped["succeeded"].count() - means["splits"]
    means = means.reset_index()
    means["primary"] = [
        row[PRIMARY_METRIC[row["family"]]] for _, row in means.iterrows()
    ]
    return means


def primary_scores(means):
    """Datasets by models: the primary score, NaN where every split failed."""
    return means.pivot(index="dataset", columns="model", values="primary").reindex(
        index=means["dataset"].unique(), columns=means["model"].unique()
    )


def summarize(means):
    """Per model: family means, mean rank, wins over the baseline, gap closed,
    fits and their time (total, and per fit).

    Returns
    -------
    DataFrame
        Indexed by model, in first-seen order.
    """
    scores = primary_scores(means)
    family = means.drop_duplicates("dataset").set_index("dataset")["family"]
    family = family.reindex(scores.index)
    # Rank 1 is the best; a model that failed a dataset ranks last there.
    ranks = scores.rank(axis=1, ascending=False).fillna(scores.shape[1])
    per_model = means.groupby("model", sort=False)
    summary = pd.DataFrame(index=scores.columns)
    for name, label in zip(FAMILIES, ("accuracy", "r2")):
        in_family = scores[family == name]
        summary[f"mean_{label}"] = in_family.mean()
        summary[f"gap_closed_{name}"] = [
            gap_closed(in_family, model) for model in scores.columns
        ]
    summary["mean_rank"] = ranks.mean()
    summary["wins_vs_baseline"] = [_wins(scores, model) for model in scores.columns]
    summary["fits"] = per_model["splits"].sum()
    summary["failed_fits"] = per_model["failed"].sum()
    summary["total_fit_s"] = per_model["fit_s_total"].sum()
    # what compares models fitted on fewer splits (--model-splits)
    summary["fit_s_per_fit"] = summary["total_fit_s"] / summary["fits"]
    return summary


def gap_closed(scores, model):
    """Share of the baseline-to-reference gap that ``model`` closes.

    Taken on means over the datasets where the model, the baseline
    (sklearn-mlp) and the reference (hgb) all have a score: 0 is the
    baseline's mean, 1 the reference's. NaN when either is missing or they
    tie.
    """
    if not {BASELINE_MODEL, REFERENCE_MODEL} <= set(scores.columns):
        return np.nan
    columns = list(dict.fromkeys([model, BASELINE_MODEL, REFERENCE_MODEL]))
    mean = scores[columns].dropna().mean()
    gap = mean[REFERENCE_MODEL] - mean[BASELINE_MODEL]
    if not gap:
        return np.nan
    return (mean[model] - mean[BASELINE_MODEL]) / gap


def _wins(scores, model):
    if model == BASELINE_MODEL or BASELINE_MODEL not in scores:
        return "–"
    both = scores[[model, BASELINE_MODEL]].dropna()
    return f"{int((both[model] > both[BASELINE_MODEL]).sum())}/{len(both)}"


def scores_table(means):
    """Markdown: each dataset's primary score per model ('failed' if none)."""
    scores = primary_scores(means)
    info = means.drop_duplicates("dataset").set_index("dataset")
    header = ["dataset", "task", "rows", "score", *scores.columns]
    rows = [
        [
            dataset,
            info.at[dataset, "task"],
            int(info.at[dataset, "rows"]),
            PRIMARY_METRIC[info.at[dataset, "family"]],
            *(_cell(value, missing="failed") for value in scores.loc[dataset]),
        ]
        for dataset in scores.index
    ]
    return markdown_table(header, rows)


def details_table(means, family):
    """Markdown: every metric and timing of every model on one task family."""
    columns = [*METRICS[family], *_TIMES, "splits", "failed"]
    in_family = means[means["family"] == family]
    rows = [
        [row["dataset"], row["model"], *(_cell(row[column]) for column in columns)]
        for _, row in in_family.iterrows()
    ]
    return markdown_table(["dataset", "model", *columns], rows)


def summary_table(summary):
    """Markdown: one row per model from :func:`summarize`."""
    header = [
        "model",
        "mean accuracy",
        "mean R²",
        "mean rank",
        f"wins vs {BASELINE_MODEL}",
        "gap closed (clf)",
        "gap closed (reg)",
        "fits",
        "failed",
        "total fit s",
        "fit s per fit",
    ]
    digits = {
        "mean_accuracy": 3,
        "mean_r2": 3,
        "mean_rank": 2,
        "wins_vs_baseline": None,
        "gap_closed_classification": 2,
        "gap_closed_regression": 2,
        "fits": None,
        "failed_fits": None,
        "total_fit_s": 1,
        "fit_s_per_fit": 2,
    }
    rows = [
        [model, *(_cell(summary.at[model, c], digits[c]) for c in digits)]
        for model in summary.index
    ]
    return markdown_table(header, rows)


def failures_list(records):
    """Markdown bullet list of the failed fits, or '' when none failed."""
    return "\n".join(
        f"- {r['dataset']} / {r['model']} / split {r['split']}: {r['error']}"
        for r in records
        if r["error"] is not None
    )


def markdown_table(header, rows):
    """A GitHub markdown table; columns of numbers are right-aligned."""
    first_row = rows[0] if rows else header
    align = ["---:" if _looks_numeric(cell) else "---" for cell in first_row]
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return "\n".join(lines)


def _looks_numeric(cell):
    return str(cell).lstrip("-").replace(".", "", 1).isdigit()


def _cell(value, digits=3, missing="–"):
    if isinstance(value, float | np.floating):
        return missing if np.isnan(value) else f"{value:.{digits}f}"
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_json(path, environment, records):
    """Every raw record, with the run's environment, as JSON."""
    payload = {"environment": environment, "results": records}
    path.write_text(json.dumps(payload, indent=1, default=_json_default) + "\n")


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
