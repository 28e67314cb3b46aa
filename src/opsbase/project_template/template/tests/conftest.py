"""Shared test fixtures. OpsBase's factories are in opsbase.testing.factories."""
