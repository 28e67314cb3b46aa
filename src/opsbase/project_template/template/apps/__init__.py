"""The project's own Django apps (OpsBase's come from the opsbase package)."""
