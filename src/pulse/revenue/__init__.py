"""Recurring revenue: the exact ARR/MRR bridge, per-customer movements and data findings.

The numbers come from the SQL models in ``pulse/models`` (``customer_bridge``,
``customer_movements``, ``subscription_findings`` …), run on the workspace's engine with their
DECIMAL values kept as :class:`decimal.Decimal`, so a bridge balances to the cent here exactly
as it does in SQL. Conventions: ``docs/concepts/recurring-revenue.md``.
"""

from __future__ import annotations

from pulse.revenue.bridge import Bridge, CustomerBridge, compute_bridge, customer_bridges
from pulse.revenue.findings import Finding, reconcile_churn, subscription_findings
from pulse.revenue.movements import Movement, movements

__all__ = [
    "Bridge",
    "CustomerBridge",
    "Finding",
    "Movement",
    "compute_bridge",
    "customer_bridges",
    "movements",
    "reconcile_churn",
    "subscription_findings",
]
