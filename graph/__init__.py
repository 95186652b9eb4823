"""samverkan's graph: store, ingest, validation, projection, analysis and views."""
