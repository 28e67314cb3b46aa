"""Viewset plumbing shared by every API: where the policy is asked, and in which order."""

from __future__ import annotations

from opsbase.kernel.policy import policy


class PolicyViewSetMixin:
    """Collection actions need the codename (403); object actions first find the object in
    the caller's tenant (404 for any other tenant's) and then ask the policy (403)."""

    codename: str = ""
    collection_actions = frozenset({"list", "create"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in self.collection_actions:
            policy.require(request.membership, self.codename)

    def get_object(self):
        obj = self.get_object_for(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        policy.require(self.request.membership, self.codename, obj)
        return obj

    def get_object_for(self, pk):
        raise NotImplementedError
