"""Benchmark harness: the published staff-scheduling benchmark run through the rota engine."""
