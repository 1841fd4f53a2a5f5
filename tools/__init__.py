"""Developer tools run by nox and imported by the tests."""
