"""Synthetic national-size data, labelled as generated and kept in its own graphs, for tests and benchmarks.

May import: graph.namespaces.
"""
