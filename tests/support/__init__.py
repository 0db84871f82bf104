"""Helpers shared by the tests (and the benchmarks that reuse them); never shipped in the package."""
