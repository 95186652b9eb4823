"""samverkan's HTTP API and command line, a thin skin over graph/.

The app (``main``, ``settings``, ``deps``, ``errors``, ``negotiate``, ``protocol``, ``engine``), ``routes/``
(parse, call graph/, shape the answer), ``workers/`` (query evaluation in confined processes), ``cli/`` (the
``samverkan`` command) and ``bench/`` (measurement, kept apart from the product).

May import: graph. Only api/cli imports api/bench, and only inside a command (tests/test_layout.py).
"""
