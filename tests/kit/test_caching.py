"""One invalidation for every tenant-owned model: any write makes the tenant's answers stale."""

from django.db.models.signals import post_delete, post_save
from django.http import QueryDict

from opsbase.api.models import ApiToken
from opsbase.core.cache import tenant_version
from opsbase.core.models import StateChange, TenantOwnedModel
from opsbase.kernel.audit.models import AuditEvent
from opsbase.kit.caching import list_cache_key, tenant_models
from opsbase.services.analytics.models import Event
from opsbase.testing.api import token_for
from tests.testapp.models import Ticket

from .conftest import WORK


def test_every_tenant_owned_model_is_watched_but_those_no_list_shows():
    from django.apps import apps

    concrete = {m for m in apps.get_models() if issubclass(m, TenantOwnedModel)}
    watched = set(tenant_models())

    # an analytics event comes with the write it records, which renews the version already
    assert watched == concrete - {ApiToken, AuditEvent, StateChange, Event}
    assert {m._meta.label_lower for m in watched} >= {"testapp.ticket", "tenants.membership"}
    for model in tenant_models():
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), model


def test_a_save_and_a_delete_replace_the_tenants_version_only(world, admin, make_ticket):
    home, away = tenant_version(world.home), tenant_version(world.away)

    ticket = make_ticket(admin)
    after_save = tenant_version(world.home)
    ticket.delete()

    assert home != after_save != tenant_version(world.home)
    assert tenant_version(world.away) == away


def test_a_member_renamed_makes_each_of_their_tenants_stale(list_cache, world, admin):
    before = tenant_version(world.home), tenant_version(world.away)

    admin.user.first_name = "Renamed"
    admin.user.save()

    assert tenant_version(world.home) != before[0]
    assert tenant_version(world.away) == before[1]  # not one of the user's tenants


def test_a_sign_in_and_a_tokens_use_change_nothing_a_list_shows(list_cache, world, admin):
    token, _raw = token_for(admin)
    before = tenant_version(world.home)

    admin.user.save(update_fields=["last_login"])
    ApiToken.objects.for_tenant(world.home).filter(pk=token.pk).first().save()

    assert tenant_version(world.home) == before


def test_the_list_key_separates_scopes_queries_and_versions(list_cache, world, make_ticket):
    admin, user, spare = world.members["admin"], world.members["user"], world.spare
    query = QueryDict("page=1")

    def key(member, q=query):
        return list_cache_key("testapp.ticket:api", member, q, codename=WORK)

    assert key(admin) == key(admin)
    assert key(user) != key(spare)  # two Users see their own tickets only
    assert key(admin) != key(world.away_members["admin"])
    assert key(admin, QueryDict("page=2")) != key(admin)
    before = key(admin)
    make_ticket(admin)
    assert key(admin) != before


def test_no_key_when_list_caching_is_off(settings, world):
    settings.OPSBASE_LIST_CACHE = False

    assert list_cache_key("t", world.members["admin"], QueryDict(""), codename=WORK) is None


def test_tickets_written_through_the_kit_are_seen_at_once(list_cache, world, admin, make_ticket):
    from opsbase.kit.services import record_update

    ticket = make_ticket(admin)
    before = tenant_version(world.home)

    record_update(membership=admin, obj=ticket, codename=WORK, changes={"title": "Renamed"})

    assert tenant_version(world.home) != before
    assert Ticket.objects.for_tenant(world.home).get().title == "Renamed"
