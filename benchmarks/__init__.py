"""Concord's benchmarks: workloads with stated limits, run by ``python -m benchmarks`` (``make bench``)."""
