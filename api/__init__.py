"""samverkan's HTTP API and command line, a thin skin over graph/."""
