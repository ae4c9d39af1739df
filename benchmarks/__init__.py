"""Benchmarks for model-access-mcp: run `python -m benchmarks` from the repository root."""
