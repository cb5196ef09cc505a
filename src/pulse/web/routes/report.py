"""The board pack from the dashboard: ``/clients/{name}/report.{fmt}`` (pdf, xlsx, md, html)."""

from __future__ import annotations

from fastapi import APIRouter, Path
from fastapi.responses import Response

from pulse.errors import PulseError
from pulse.exports import get_format, render_report
from pulse.web.deps import ClientDep, PeriodDep
from pulse.web.errors import WebError

router = APIRouter(tags=["report"])


@router.get("/clients/{name}/report.{fmt}", operation_id="client_report")
def client_report(
    client: ClientDep, picked: PeriodDep, fmt: str = Path(description="pdf, xlsx, md or html.")
) -> Response:
    """The board pack for the picked period, as a download; cached per data version."""
    try:
        chosen = get_format(fmt)
    except PulseError as exc:
        raise WebError(404, exc.message) from exc

    def build() -> bytes:
        with client.computer() as computer:
            return render_report(
                client.ws, picked.period, chosen.name, profile=client.profile, computer=computer
            )

    data = client.cached("report", (chosen.name, picked.period.label), build)
    filename = chosen.filename(client.name, picked.period.label)
    return Response(
        data,
        media_type=chosen.media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
