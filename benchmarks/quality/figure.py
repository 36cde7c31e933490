"""The benchmark's figure: each model's score per dataset, relative to HGB."""

from __future__ import annotations

# A bare Figure draws to a file without pyplot, so no GUI backend is chosen.
from matplotlib.figure import Figure

from .report import FAMILIES, REFERENCE_MODEL, primary_scores

_MARKERS = "os^Dv<>pP*X"
_Y_LABELS = {"classification": "accuracy", "regression": "R²"}


def plot_scores(means, path):
    """Save a PNG with one panel per task family and one marker per model.

    Each point is a model's primary score on a dataset minus HGB's (the
    dashed line at 0); without HGB in the run the raw scores are drawn. A
    dataset a model failed on has no point for it.

    Parameters
    ----------
    means : DataFrame
        From :func:`report.dataset_means`.
    path : path-like
        Where the PNG goes.
    """
    scores_figure(means).savefig(path, dpi=120)


def scores_figure(means):
    """The figure :func:`plot_scores` saves, as a matplotlib Figure."""
    scores = primary_scores(means)
    family = means.drop_duplicates("dataset").set_index("dataset")["family"]
    families = [name for name in FAMILIES if (family == name).any()]
    relative = REFERENCE_MODEL in scores.columns
    if relative:
        scores = scores.sub(scores[REFERENCE_MODEL], axis=0)
    figure = Figure(figsize=(10, 3.6 * len(families)), layout="tight")
    axes = figure.subplots(len(families), 1, squeeze=False)
    for axis, name in zip(axes[:, 0], families):
        in_family = scores[family.reindex(scores.index) == name]
        positions = range(len(in_family))
        for i, model in enumerate(in_family.columns):
            if relative and model == REFERENCE_MODEL:
                axis.axhline(0.0, color="grey", linestyle="--", label=model)
                continue
            # 11 markers and 10 colours: no two of 110 models look alike
            style = dict(marker=_MARKERS[i % len(_MARKERS)], color=f"C{i % 10}", ms=7)
            axis.plot(positions, in_family[model], ls="none", label=model, **style)
        axis.set_xticks(list(positions), in_family.index, rotation=30, ha="right")
        what = _Y_LABELS[name]
        axis.set_ylabel(f"{what} − {REFERENCE_MODEL}'s" if relative else what)
        axis.set_title(name)
        axis.grid(axis="y", alpha=0.3)
    axes[0, 0].legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return figure
