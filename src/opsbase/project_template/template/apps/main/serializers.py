"""API serializers of the project's own app: input parsing and validation only.

Viewsets register on OpsBase's API under `/api/v1/`; see OpsBase's docs/api.md.
"""

from rest_framework import serializers  # noqa: F401 - used by the serializers written here
