"""The audit log: append-only events, hash-chained per tenant.

Rows are written only through :mod:`opsbase.kernel.audit.services`; the model refuses updates
and deletes, so history can be changed only behind Django's back (raw SQL), and that is what
the chain exists to reveal (``manage.py audit_verify``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsbase.core.models import TenantManager, TenantOwnedModel, TenantQuerySet

from .exceptions import AuditLogImmutable

# The chain of events that belong to no tenant (failed logins of unknown accounts, sign-ins
# of users without an organization) is keyed 0; a tenant's chain is keyed by its id.
SYSTEM_CHAIN = 0


def chain_key(tenant) -> int:
    """The chain a tenant's events (or the tenant-less events, for ``None``) are appended to."""
    if tenant is None:
        return SYSTEM_CHAIN
    return int(getattr(tenant, "pk", tenant))


class AuditAction(models.TextChoices):
    """Actions recorded by the kernel; apps add their own strings (``"task.complete"``)."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Signed in")
    LOGOUT = "logout", _("Signed out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")


class AuditEventQuerySet(TenantQuerySet):
    """Tenant-scoped like every tenant-owned queryset, and never updated or deleted."""

    def for_chain(self, chain: int) -> AuditEventQuerySet:
        """Events of one chain (a tenant's id, or ``SYSTEM_CHAIN``), in chain order."""
        return self.unscoped().filter(chain=chain).order_by("seq", "pk")

    def update(self, **kwargs):
        raise AuditLogImmutable()

    def delete(self):
        raise AuditLogImmutable()

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutable()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj._refuse_unchained()
        return super().bulk_create(objs, *args, **kwargs)


AuditEventManager = TenantManager.from_queryset(AuditEventQuerySet)


class AuditEvent(TenantOwnedModel):
    """Who did what to which record, when and from where; never changed once written."""

    # Null for events outside any tenant; those form the system chain (``chain`` = 0).
    # No database constraint and DO_NOTHING: history outlives the tenant and the user.
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tenant"),
    )  # type: ignore[assignment]  # deliberately nullable, unlike other tenant-owned rows
    chain = models.PositiveBigIntegerField(_("chain"), editable=False)
    seq = models.PositiveBigIntegerField(_("sequence number"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The actor's e-mail address at the time, kept when the account is gone.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=255, blank=True)
    # {"field": {"old": value, "new": value}}, JSON values, secrets masked.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    request_id = models.CharField(_("request id"), max_length=128, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    # Set by the service before hashing (not auto_now_add, which would change it on insert).
    created_at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    updated_at = None  # type: ignore[assignment]  # removes the inherited field
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    # django-stubs cannot type a manager made by from_queryset() of a manager subclass.
    objects = AuditEventManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="auditevent_one_per_seq"),
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="auditevent_tenant_time"),
            models.Index(fields=["tenant", "action"], name="auditevent_tenant_action"),
            models.Index(
                fields=["tenant", "target_type", "target_id"], name="auditevent_tenant_target"
            ),
            models.Index(fields=["tenant", "actor"], name="auditevent_tenant_actor"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_label or self.target_type}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable()
        self._refuse_unchained()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable()

    def _refuse_unchained(self) -> None:
        if not self._state.adding or not self.hash or not self.seq:
            raise AuditLogImmutable(
                "Audit events are appended through opsbase.kernel.audit.services only."
            )


class AuditChainHead(models.Model):
    """The last link of one chain; locked while appending so writers cannot fork the chain."""

    chain = models.PositiveBigIntegerField(_("chain"), unique=True)
    last_seq = models.PositiveBigIntegerField(_("last sequence number"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Bookkeeping of the last checkpoint that covered this chain, so a checkpoint run writes
    # only the chains that moved. Not the checkpoint itself: that lives outside the database
    # (a signed file) and on the system chain (``checkpoints.py``).
    checkpoint_seq = models.PositiveBigIntegerField(_("checkpointed sequence number"), default=0)
    checkpoint_at = models.DateTimeField(_("checkpointed"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        ordering = ["chain"]

    def __str__(self) -> str:
        return f"chain {self.chain} at {self.last_seq}"
