"""How much data the benchmark generates."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    tenants: int = 1_000
    users: int = 10_000
    tasks: int = 1_000_000
