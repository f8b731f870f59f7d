"""The server the HTTP benchmarks run: the portal plus a floor view."""
