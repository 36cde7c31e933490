"""sknn's benchmarks: speed (``run.py``) and real-data quality (``quality``)."""
