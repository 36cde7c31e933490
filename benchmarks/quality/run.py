"""Command line of the quality benchmark: ``python -m benchmarks.quality``.

Runs the selected models on the selected datasets, prints the tables, and
writes ``report.md``, ``results.json`` and ``scores.png`` to ``--out``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import figure, protocol, report
from .datasets import DATASETS
from .models import MODELS

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "results"


def parse_args(argv=None):
    """The command's options; names of datasets and models are checked."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.quality", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--datasets", type=_names(DATASETS), default=list(DATASETS))
    parser.add_argument("--models", type=_names(MODELS), default=list(MODELS))
    parser.add_argument("--splits", type=int, default=3, help="splits per dataset")
    parser.add_argument(
        "--model-splits",
        type=_model_splits,
        default={},
        metavar="MODEL=N,...",
        help="fewer splits for slow models, e.g. realmlp-td=1",
    )
    parser.add_argument(
        "--max-rows", type=int, default=8000, help="row cap per dataset; 0: none"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="datasets run at once, one process each (jobs x threads <= cores)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument(
        "--list", action="store_true", help="list datasets and models, then exit"
    )
    return parser.parse_args(argv)


def _names(registry):
    def parse(text):
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in registry]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {', '.join(unknown)}; choose from {', '.join(registry)}"
            )
        return names

    return parse


def _model_splits(text):
    limits = {}
    for item in filter(None, text.split(",")):
        name, _, count = item.partition("=")
        if name not in MODELS or not count.isdigit():
            raise argparse.ArgumentTypeError(f"expected MODEL=N, got {item!r}")
        limits[name] = int(count)
    return limits


def available_models(names, log=print):
    """The registry entries for ``names``, less those that cannot run here."""
    models = []
    for name in names:
        reason = MODELS[name].unavailable()
        if reason is None:
            models.append(MODELS[name])
        else:
            log(f"skipping {name}: {reason}")
    return models


def header_lines(environment, args):
    """The run's settings and environment, one fact per line."""
    rows = "all" if not args.max_rows else f"at most {args.max_rows:,}"
    fewer_splits = "".join(
        f"; {model} on {count} of them" for model, count in args.model_splits.items()
    )
    return [
        f"date: {environment['date']}",
        f"CPU: {environment['cpu']} ({environment['logical_cpus']} logical CPUs)",
        f"thread limit (BLAS, OpenMP, torch): {environment['thread_limit']} "
        f"per process, {args.jobs} process(es) at once",
        f"thread pools: {'; '.join(environment['thread_pools']) or 'none found'}",
        "versions: "
        + ", ".join(f"{name} {v}" for name, v in environment["versions"].items()),
        f"protocol: {args.splits} seeded 75/25 splits (stratified for "
        f"classification){fewer_splits}; {rows} rows per dataset",
    ]


def render(means, records, header):
    """The whole report as markdown."""
    summary = report.summarize(means)
    sections = [
        "# sknn quality benchmark",
        "\n".join(f"- {line}" for line in header),
        "## Primary score per dataset (mean over splits)",
        report.scores_table(means),
        "## Summary",
        report.summary_table(summary),
    ]
    for family in report.FAMILIES:
        if (means["family"] == family).any():
            sections += [
                f"## All metrics: {family}",
                report.details_table(means, family),
            ]
    failures = report.failures_list(records)
    if failures:
        sections += ["## Failures", failures]
    return "\n\n".join(sections) + "\n"


def main(argv=None):
    """Run the benchmark; returns the process exit status."""
    args = parse_args(argv)
    if args.list:
        for dataset in DATASETS.values():
            print(f"{dataset.name:<16} {dataset.task:<11} {dataset.source}")
        for model in MODELS.values():
            print(f"{model.name:<16} {model.description}")
        return 0
    environment = protocol.environment(args.threads)
    header = header_lines(environment, args)
    print("\n".join(header), flush=True)
    models = available_models(args.models)
    start = time.perf_counter()
    records = protocol.run(
        [DATASETS[name] for name in args.datasets],
        models,
        n_splits=args.splits,
        max_rows=args.max_rows or None,
        n_threads=args.threads,
        model_splits=args.model_splits,
        log=lambda line: print(line, flush=True),
        n_jobs=args.jobs,
    )
    header.append(f"wall time: {time.perf_counter() - start:.0f} s")
    if not records:
        print("nothing was run")
        return 1
    means = report.dataset_means(records)
    markdown = render(means, records, header)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.md").write_text(markdown)
    settings = {
        "datasets": args.datasets,
        "models": [model.name for model in models],
        "splits": args.splits,
        "model_splits": args.model_splits,
        "max_rows": args.max_rows or None,
        "jobs": args.jobs,
    }
    report.write_json(
        args.out / "results.json", {**environment, "settings": settings}, records
    )
    figure.plot_scores(means, args.out / "scores.png")
    print("\n" + markdown)
    print(f"wrote report.md, results.json and scores.png to {args.out}")
    return 0
