"""Write every tool export of the connected demo, with its account-naming problems planted.

Each tool gets its own copy of the account book, so a typo in the accounting system does not
show up in the support tool: the matching report of each import shows that tool's problems.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pulse.demo.connected.accounting import quickbooks_invoices, quickbooks_spend
from pulse.demo.connected.accounts import AccountBook
from pulse.demo.connected.calls import clari_forecast, gong_calls
from pulse.demo.connected.engagement import outreach_activities
from pulse.demo.connected.exports import Export
from pulse.demo.connected.product import mixpanel_events
from pulse.demo.connected.support import delighted_responses, zendesk_tickets


def _with_tickets(health: pa.Table) -> list[str]:
    has = pc.greater(pc.fill_null(health.column("support_tickets"), 0), 0)
    return [str(a) for a in health.filter(has).column("account_id").to_pylist()]


def write_exports(
    tables: dict[str, pa.Table], book: AccountBook, folder: Path, workspace: Path
) -> list[Export]:
    """Write the files into ``folder`` (and the event map into ``workspace``)."""
    folder.mkdir(parents=True, exist_ok=True)
    exports: list[Export] = []
    exports += mixpanel_events(tables, book, folder, workspace)
    exports.append(gong_calls(tables["meetings"], tables["reps"], book, folder))
    exports.append(clari_forecast(tables["forecasts"], tables["reps"], folder))
    exports += outreach_activities(
        tables["meetings"], tables["coaching"], tables["reps"], book, folder
    )

    invoices = tables["invoices"]
    accounting = book.copy()
    billed = [str(a) for a in invoices.column("account_id").to_pylist()]
    accounting.plant_typos(accounting.plantable(billed, 3))
    accounting.plant_unknown(accounting.plantable(billed, 1, skip=3), start=1)
    exports.append(quickbooks_invoices(invoices, accounting, folder))
    exports.append(quickbooks_spend(tables["spend"], folder))

    health = tables["health_signals"]
    support = book.copy()
    ticketed = _with_tickets(health)
    support.plant_unknown(support.plantable(ticketed, 1, skip=5), start=2)
    support.no_org.update(support.plantable(ticketed, 2, skip=7))
    exports.append(zendesk_tickets(health, support, folder))
    survey = book.copy()
    surveyed = [str(a) for a in health.column("account_id").to_pylist()]
    survey.plant_unknown(survey.plantable(surveyed, 1, skip=9), start=0)
    exports.append(delighted_responses(health, survey, folder))
    return exports
