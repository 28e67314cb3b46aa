"""Inventory's records as the kit's pages and API offer them: declared once."""

from opsbase.kit.entity import Codenames, Entity

from .constants import ADJUST, ISSUE, MANAGE, VIEW
from .filters import BalanceFilter, CountFilter, ItemFilter, LocationFilter, MovementFilter
from .models import Item, Location, StockBalance, StockCount, StockMovement
from .selectors import (
    BALANCE_ROWS,
    COUNT_RELATED,
    COUNT_ROWS,
    ITEM_ROWS,
    LOCATION_ROWS,
    MOVEMENT_RELATED,
    MOVEMENT_ROWS,
    balance_list,
    count_list,
    item_get_for,
    item_list,
    movement_list,
)
from .services import (
    item_create,
    item_delete,
    item_update,
    location_create,
    location_delete,
    location_update,
    movement_post,
    stock_count_post,
)

ITEMS = Entity(
    model=Item,
    rows=ITEM_ROWS,
    codenames=Codenames(view=VIEW, add=MANAGE, change=MANAGE, delete=MANAGE),
    filterset=ItemFilter,
    list=item_list,
    get=item_get_for,
    create=item_create,
    update=item_update,
    delete=item_delete,
)

LOCATIONS = Entity(
    model=Location,
    rows=LOCATION_ROWS,
    codenames=Codenames(view=VIEW, add=MANAGE, change=MANAGE, delete=MANAGE),
    filterset=LocationFilter,
    create=location_create,
    update=location_update,
    delete=location_delete,
)

# The ledger is append-only: movements are posted, never changed nor deleted. Posting needs
# at least the issue permission; each kind's own permission is the service's check.
MOVEMENTS = Entity(
    model=StockMovement,
    rows=MOVEMENT_ROWS,
    codenames=Codenames(view=VIEW, add=ISSUE),
    related=MOVEMENT_RELATED,
    filterset=MovementFilter,
    list=movement_list,
    create=movement_post,
    # Low-stock e-mails link back to the site the request came to.
    service_kwargs=lambda request: {"site_url": request.build_absolute_uri("/")},
)

BALANCES = Entity(
    model=StockBalance,
    rows=BALANCE_ROWS,
    codenames=Codenames(view=VIEW),
    related=("item", "location"),
    filterset=BalanceFilter,
    list=balance_list,
)

# A count is recorded once, with the adjustment it posted: never changed nor deleted.
COUNTS = Entity(
    model=StockCount,
    rows=COUNT_ROWS,
    codenames=Codenames(view=VIEW, add=ADJUST),
    related=COUNT_RELATED,
    filterset=CountFilter,
    list=count_list,
    create=stock_count_post,
)
