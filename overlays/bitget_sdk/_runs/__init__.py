"""Runs on top of single calls: settling from order state, cancel-all, the journal and resuming from it."""
