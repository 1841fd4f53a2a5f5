"""Rate budgets: the per-UID sliding window, its Redis-shared form, and the per-IP cap."""
