"""POST an alert as JSON to a Slack-compatible webhook, with retries and exponential backoff.

Retried: connection errors and timeouts, and HTTP 408, 425, 429 and 5xx (honouring
``Retry-After``). Not retried: any other 4xx (the URL or the payload is wrong; retrying cannot
help). Redirects are not followed, so the message never goes anywhere but the configured URL.
Uses only the standard library.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from pulse import __version__
from pulse.alerts.config import mask_url
from pulse.alerts.delivery import Delivery, DeliveryError, backoff_delay

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


def post_json(
    url: str,
    payload: Mapping[str, Any],
    *,
    attempts: int = 4,
    backoff: float = 1.0,
    timeout: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``payload`` to ``url``; returns after the first 2xx, raises DeliveryError otherwise."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    where = mask_url(url)
    last = "no attempt made"
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": f"pulse/{__version__}",
            },
        )
        retry_after = None
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                response.read(65536)
                return Delivery(attempt, int(response.status))
        except urllib.error.HTTPError as exc:
            status = exc.code
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            exc.close()
            if status not in RETRY_STATUSES:
                raise DeliveryError(
                    f"webhook {where} refused the alert: HTTP {status}",
                    attempts=attempt,
                    hint="check the webhook URL (pulse alerts configure NAME --webhook URL)",
                ) from exc
            last = f"HTTP {status}"
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"{type(reason).__name__}: {reason}"
        if attempt < attempts:
            sleep(backoff_delay(attempt, backoff, retry_after))
    raise DeliveryError(
        f"webhook {where} failed after {attempts} attempts: {last}",
        attempts=attempts,
        hint="the next `pulse alerts run` sends it again",
    )
