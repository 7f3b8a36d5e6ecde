"""Benchmarks of campaign_metrics against pandas and DuckDB (``python -m benchmarks.run``)."""
