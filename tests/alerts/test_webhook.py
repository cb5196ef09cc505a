"""The webhook sender against a real HTTP receiver on loopback."""

from __future__ import annotations

import pytest

from pulse.alerts.delivery import DeliveryError, backoff_delay
from pulse.alerts.webhook import post_json
from tests.alerts.conftest import Receiver, free_port


def test_posts_json(receiver: Receiver, sleeps: list[float]) -> None:
    result = post_json(receiver.url, {"text": "hello ✓"}, sleep=sleeps.append)
    assert (result.attempts, result.status) == (1, 200)
    assert receiver.bodies == [{"text": "hello ✓"}]
    assert receiver.requests[0]["path"] == "/hooks/T000/SECRET"
    assert receiver.requests[0]["content_type"] == "application/json; charset=utf-8"
    assert sleeps == []


def test_retries_server_errors_with_exponential_backoff(
    receiver: Receiver, sleeps: list[float]
) -> None:
    receiver.fail_first = 3
    result = post_json(receiver.url, {"text": "x"}, attempts=5, backoff=0.5, sleep=sleeps.append)
    assert result.attempts == 4
    assert len(receiver.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_gives_up_after_the_attempts(receiver: Receiver, sleeps: list[float]) -> None:
    receiver.fail_first = 10
    port = receiver.url.split(":")[2].split("/")[0]
    with pytest.raises(DeliveryError) as info:
        post_json(receiver.url, {"text": "x"}, attempts=3, backoff=0.1, sleep=sleeps.append)
    assert info.value.message == (
        f"webhook http://127.0.0.1:{port}/*** failed after 3 attempts: HTTP 500"
    )
    assert "SECRET" not in info.value.render()
    assert info.value.attempts == 3
    assert len(receiver.requests) == 3
    assert sleeps == pytest.approx([0.1, 0.2])


def test_does_not_retry_a_client_error(receiver: Receiver, sleeps: list[float]) -> None:
    receiver.fail_first, receiver.fail_status = 10, 404
    with pytest.raises(DeliveryError) as info:
        post_json(receiver.url, {"text": "x"}, attempts=4, sleep=sleeps.append)
    assert info.value.message.endswith("refused the alert: HTTP 404")
    assert len(receiver.requests) == 1
    assert sleeps == []


def test_honours_retry_after(receiver: Receiver, sleeps: list[float]) -> None:
    receiver.fail_first, receiver.fail_status = 1, 429
    receiver.headers = {"Retry-After": "2"}
    result = post_json(receiver.url, {"text": "x"}, attempts=3, backoff=0.01, sleep=sleeps.append)
    assert result.attempts == 2
    assert sleeps == [2.0]


def test_does_not_follow_redirects(receiver: Receiver, sleeps: list[float]) -> None:
    receiver.fail_first, receiver.fail_status = 10, 302
    receiver.headers = {"Location": "http://127.0.0.1:9/elsewhere"}
    with pytest.raises(DeliveryError) as info:
        post_json(receiver.url, {"text": "x"}, sleep=sleeps.append)
    assert info.value.message.endswith("HTTP 302")
    assert len(receiver.requests) == 1


def test_retries_when_nothing_listens(sleeps: list[float]) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryError) as info:
        post_json(url, {"text": "x"}, attempts=2, backoff=0.01, timeout=2, sleep=sleeps.append)
    assert "failed after 2 attempts: ConnectionRefusedError" in info.value.message
    assert sleeps == [0.01]


def test_backoff_is_capped() -> None:
    assert [backoff_delay(n, 1.0) for n in (1, 2, 3, 6, 7)] == [1.0, 2.0, 4.0, 30.0, 30.0]
    assert backoff_delay(1, 1.0, "120") == 30.0
    assert backoff_delay(1, 1.0, "Wed, 21 Oct 2015 07:28:00 GMT") == 1.0
