"""Customers as the kit's pages and API offer them: declared once. They have no rule of
their own beyond the model's validation, so the kit's plain services write them."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADD, CHANGE, DELETE, VIEW
from .filters import CustomerFilter
from .models import Customer
from .selectors import CUSTOMER_ROWS

CUSTOMERS = Entity(
    model=Customer,
    rows=CUSTOMER_ROWS,
    codenames=Codenames(view=VIEW, add=ADD, change=CHANGE, delete=DELETE),
    filterset=CustomerFilter,
)
