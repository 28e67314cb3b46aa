"""An invoice paid in full tells the members who issue invoices (not the one who recorded
the payment, nobody of another organization), after the commit."""

from opsbase.kernel.policy import policy
from opsbase.kernel.roles.constants import RoleKind
from opsbase.kernel.tenants.models import Membership
from opsbase.kit.notifications.models import Notification
from opsbase.modules.billing.constants import ISSUE
from opsbase.modules.billing.services import invoice_pay


def test_paying_an_invoice_tells_those_who_issue_invoices(
    world, make_invoice, django_capture_on_commit_callbacks
):
    # Given a Manager whose role may issue invoices (by default only Admins may)
    admin, manager = world.members[RoleKind.ADMIN], world.members[RoleKind.MANAGER]
    manager.role.permissions = [*manager.role.permissions, ISSUE]
    manager.role.save()
    invoice = make_invoice(admin, issue=True)

    with django_capture_on_commit_callbacks(execute=True):
        invoice_pay(membership=admin, invoice=invoice, reference="SEPA")

    told = set(
        Notification.objects.for_tenant(world.home)
        .filter(event="billing.invoice_paid")
        .values_list("recipient_id", flat=True)
    )
    issuers = {
        m.pk
        for m in Membership.objects.for_tenant(world.home).select_related("role")
        if m.is_active and policy.can(m, ISSUE)
    }
    assert told == issuers - {admin.pk}
    assert manager.pk in told
    assert not Notification.objects.for_tenant(world.away).exists()
    title = Notification.objects.for_tenant(world.home).values_list("title", flat=True).first()
    assert title == f"Invoice {invoice.number} is paid"


def test_a_partial_payment_tells_nobody(world, make_invoice, django_capture_on_commit_callbacks):
    admin = world.members[RoleKind.ADMIN]
    invoice = make_invoice(admin, issue=True)

    with django_capture_on_commit_callbacks(execute=True):
        invoice_pay(membership=admin, invoice=invoice, amount="1000.00")

    assert not Notification.objects.for_tenant(world.home).exists()
