"""Measurement, kept apart from the product.

Every ``samverkan bench`` command, the load test, the scale run, the Virtuoso and Chromium helpers they use,
and synthetic sample networks. May import: graph, api. Nothing in graph/ or in api's product modules imports
this package.
"""
