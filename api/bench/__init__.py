"""Measurement, kept apart from the product.

Every ``samverkan bench`` command (``cli/``, one module per family), the load test, the scale run
(``scale/``), the Virtuoso and Chromium helpers they use, and synthetic sample networks.

May import: graph, api. Nothing in graph/ or in api's product modules imports this package; api/cli loads
``api.bench.cli`` only when ``samverkan bench`` runs (and ``viz --sample`` loads the sample networks).
"""
