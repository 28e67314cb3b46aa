"""Campaigns API: ``/api/v1/campaigns/`` (the kit's viewset over CAMPAIGNS) and a
campaign's closed-loop results at ``GET …/{id}/results/``."""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from opsbase.kit.api import TenantModelViewSet

from .entity import CAMPAIGNS
from .selectors import campaign_results
from .serializers import CampaignResultsSerializer, CampaignSerializer


class CampaignViewSet(TenantModelViewSet):
    """Marketing campaigns of the caller's organization."""

    entity = CAMPAIGNS
    serializer_class = CampaignSerializer
    example = {
        "id": 3,
        "name": "December newsletter",
        "channel": "email",
        "channel_label": "E-mail",
        "utm_source": "news",
        "utm_medium": "email",
        "utm_campaign": "dec",
        "budget": "500.00",
        "currency": "EUR",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-31",
        "owner": 4,
        "owner_email": "marketing@acme.test",
        "notes": "",
        "created_at": "2026-11-20T09:30:00Z",
    }
    create_example = {"name": "December newsletter", "utm_campaign": "dec", "budget": "500"}
    invalid_example = {"ends_on": ["The campaign cannot end before it starts."]}
    docs = {
        "destroy": {
            "summary": "Delete a campaign",
            "description": "Its leads stay, uncredited; 409 while e-mail campaigns use it.",
        },
    }

    @extend_schema(
        request=None,
        responses=CampaignResultsSerializer,
        summary="A campaign's results",
        description="Cost (the budget), leads credited, won deals and their value, and what "
        "the customers those deals became have paid; ROI = (paid − cost) / cost in percent.",
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Any, pk: Any = None) -> Response:
        campaign = self.get_object()
        data = dataclasses.asdict(campaign_results(campaign=campaign))
        return Response(CampaignResultsSerializer(data).data)
