"""Real-data quality benchmark: sknn against other models on tabular datasets.

Run it from the repository root with ``python -m benchmarks.quality``.
"""
