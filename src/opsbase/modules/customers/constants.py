"""Permission codenames of customers."""

VIEW = "customers.view_customer"
ADD = "customers.add_customer"
CHANGE = "customers.change_customer"
DELETE = "customers.delete_customer"
ALL_CODENAMES = (VIEW, ADD, CHANGE, DELETE)

DEFAULT_CURRENCY = "EUR"
