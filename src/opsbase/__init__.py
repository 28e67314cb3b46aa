"""OpsBase: a multi-tenant base operations system for Django."""

__version__ = "0.1.0.dev0"
