"""The demo's dispatch notes: a draft sending two bits in stock to a rig, ready to issue."""

from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.modules.drillbits.models import DrillBit
from opsbase.modules.sites.models import Rig

from .models import DispatchNote
from .services import dispatchnote_create


def demo_dispatch_seed(*, tenant) -> None:
    if DispatchNote.objects.for_tenant(tenant).exists():
        return
    admin = Membership.objects.for_tenant(tenant).filter(role__kind=RoleKind.ADMIN).first()
    rig = Rig.objects.for_tenant(tenant).order_by("pk").first()
    bits = list(DrillBit.objects.for_tenant(tenant).filter(status="in_stock").order_by("pk")[:2])
    if admin is None or rig is None or not bits:
        return
    dispatchnote_create(
        membership=admin, rig=rig, carrier="Northline Haulage", reference="Truck 14", bits=bits
    )
