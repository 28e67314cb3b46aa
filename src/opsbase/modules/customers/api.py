"""Customers API: ``/api/v1/customers/`` (the kit's viewset over CUSTOMERS)."""

from opsbase.kit.api import TenantModelViewSet

from .entity import CUSTOMERS
from .serializers import CustomerSerializer


class CustomerViewSet(TenantModelViewSet):
    """Customers of the caller's organization."""

    entity = CUSTOMERS
    serializer_class = CustomerSerializer
    example = {
        "id": 12,
        "name": "Northwind Drilling",
        "contact": "Dana Reyes",
        "email": "accounts@northwind.example",
        "phone": "+44 20 7946 0958",
        "address": "1 Quay Street, Aberdeen",
        "tax_id": "GB123456789",
        "currency": "GBP",
        "created_at": "2025-06-01T09:30:00Z",
        "updated_at": "2025-06-02T14:05:00Z",
    }
    create_example = {"name": "Northwind Drilling", "email": "accounts@northwind.example"}
    invalid_example = {"currency": ["XYZ is not a currency."]}
    patch_example = {"contact": "Dana Reyes"}
    docs = {
        "destroy": {
            "summary": "Delete a customer",
            "description": "409 while invoices, rigs or other records still use it.",
        },
    }
