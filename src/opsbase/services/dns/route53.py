"""Amazon Route53 through boto3; credentials from the environment, a profile or the role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .base import MANAGED_TYPES, Change, DnsConfigError, DnsError, DnsProvider, Record, Zone

_FIXES = {
    "AccessDenied": "give the credentials route53:ListHostedZonesByName, "
    "route53:ListResourceRecordSets and route53:ChangeResourceRecordSets",
    "InvalidClientTokenId": "check AWS_ACCESS_KEY_ID",
    "SignatureDoesNotMatch": "check AWS_SECRET_ACCESS_KEY",
    "Throttling": "Route53 limits the rate of requests: wait a minute and run again",
    "InvalidChangeBatch": "the zone holds a record that conflicts with this one: read the "
    "message, fix the zone by hand, then run again",
}


class Route53Dns(DnsProvider):
    key = "route53"

    def __init__(self, *, endpoint_url: str | None = None) -> None:
        import boto3

        # AWS_ENDPOINT_URL_ROUTE_53 (or AWS_ENDPOINT_URL) is read by boto3 itself.
        session = boto3.session.Session()
        if session.get_credentials() is None:
            raise DnsConfigError(
                "Route53 needs AWS credentials and none were found",
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), or run on "
                "a machine whose role may change the zone",
            )
        self.client = session.client("route53", endpoint_url=endpoint_url, region_name="us-east-1")

    def zone_named(self, name: str) -> Zone | None:
        answer = self._call(
            f"looking up the zone {name}",
            lambda: self.client.list_hosted_zones_by_name(DNSName=name, MaxItems="10"),
        )
        for zone in answer.get("HostedZones", ()):
            public = not zone.get("Config", {}).get("PrivateZone", False)
            if public and zone["Name"].rstrip(".").lower() == name:
                return Zone(id=zone["Id"].rsplit("/", 1)[-1], name=name)
        return None

    def records_at(self, zone: Zone, name: str) -> list[Record]:
        answer = self._call(
            f"listing the records of {name}",
            lambda: self.client.list_resource_record_sets(
                HostedZoneId=zone.id, StartRecordName=name, MaxItems="20"
            ),
        )
        records = []
        for item in answer.get("ResourceRecordSets", ()):
            if item["Name"].rstrip(".").lower() != name or item["Type"] not in MANAGED_TYPES:
                continue
            if "AliasTarget" in item:
                values: tuple[str, ...] = ("alias:" + item["AliasTarget"]["DNSName"].rstrip("."),)
            else:
                # As stored: a deletion must name the values exactly as Route53 holds them.
                values = tuple(
                    sorted(r["Value"].rstrip(".") for r in item.get("ResourceRecords", ()))
                )
            records.append(Record(name, item["Type"], values, int(item.get("TTL", 0))))
        return records

    def apply_changes(self, zone: Zone, changes: Sequence[Change]) -> None:
        batch = [self._change(change) for change in changes]
        if not batch:
            return
        # One batch: Route53 makes all of it or none.
        self._call(
            f"changing the records of {zone.name}",
            lambda: self.client.change_resource_record_sets(
                HostedZoneId=zone.id,
                ChangeBatch={"Comment": "managed by OpsBase (manage.py dns)", "Changes": batch},
            ),
        )

    @staticmethod
    def _change(change: Change) -> dict[str, Any]:
        record = change.record
        if change.action == "delete" and record.values[0].startswith("alias:"):
            raise DnsError(
                f"{record.type} {record.name} is a Route53 alias record",
                "delete it in the Route53 console, then run again",
            )
        return {
            "Action": "DELETE" if change.action == "delete" else "UPSERT",
            "ResourceRecordSet": {
                "Name": record.name + ".",
                "Type": record.type,
                "TTL": record.ttl,
                "ResourceRecords": [{"Value": value} for value in record.values],
            },
        }

    def _call(self, what: str, function: Callable[[], Any]) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return function()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "") or str(error)
            raise DnsError(
                f"Route53 refused {what}: {code}: {message}",
                _FIXES.get(code, "see the message above and docs/cdn_config.md"),
            ) from None
        except BotoCoreError as error:
            raise DnsError(
                f"Route53 did not answer while {what}: {error}",
                "check the credentials and the network, then run again",
            ) from None
