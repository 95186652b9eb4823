"""One module per resource of the HTTP API: each parses the request, calls graph/, shapes the answer.

May import: graph, the app modules of api (never api.cli nor api.bench).
"""
