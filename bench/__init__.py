"""Benchmarks of fullstory_assets: `make bench` (python -m bench.run), see bench/run.py."""
