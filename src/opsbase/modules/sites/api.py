"""Rigs and wells API: ``/api/v1/rigs/`` and ``/api/v1/wells/`` (the kit's viewsets)."""

from opsbase.kit.api import TenantModelViewSet

from .entity import RIGS, WELLS
from .serializers import RigSerializer, WellSerializer


class RigViewSet(TenantModelViewSet):
    """Rigs of the organization's customers."""

    entity = RIGS
    serializer_class = RigSerializer
    example = {
        "id": 3,
        "name": "Northwind Explorer",
        "customer": 12,
        "customer_name": "Northwind Drilling",
        "location": "Block 9/14, North Sea",
        "latitude": "58.973400",
        "longitude": "1.862100",
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-02T14:05:00Z",
    }
    create_example = {"name": "Northwind Explorer", "customer": 12, "location": "Block 9/14"}
    invalid_example = {"customer": ["Choose a customer of this organization."]}
    patch_example = {"location": "Block 9/15"}
    docs = {
        "destroy": {
            "summary": "Delete a rig",
            "description": "409 while drill bits or other records still name it.",
        },
    }


class WellViewSet(TenantModelViewSet):
    """Wells of the organization's customers."""

    entity = WELLS
    serializer_class = WellSerializer
    example = {
        "id": 7,
        "name": "NW-14A",
        "customer": 12,
        "customer_name": "Northwind Drilling",
        "location": "Block 9/14, North Sea",
        "field": "Brage",
        "depth_m": "3450.0",
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-02T14:05:00Z",
    }
    create_example = {"name": "NW-14A", "customer": 12, "field": "Brage", "depth_m": "3450.0"}
    invalid_example = {"depth_m": ["Ensure this value is greater than or equal to 0."]}
    patch_example = {"depth_m": "3512.5"}
    docs = {
        "destroy": {
            "summary": "Delete a well",
            "description": "409 while drill bits, runs or other records still name it.",
        },
    }
