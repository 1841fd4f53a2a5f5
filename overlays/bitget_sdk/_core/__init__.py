"""The sans-I/O core: what a request is, what an answer means, and the run's accounting (no sockets, no sleeping)."""
