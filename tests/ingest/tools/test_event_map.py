"""The event map: default event names, a workspace's event_map.yml, and its error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulse.errors import PulseError
from pulse.ingest.event_map import (
    DEFAULT_ACCOUNT_KEYS,
    EventMapError,
    default_event_map,
    email_domain,
    fold,
    load_event_map,
    workspace_event_map,
)


def write_map(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "event_map.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_ignore_case_spaces_and_punctuation() -> None:
    events = default_event_map()
    assert [events.kind(n) for n in ("Sign Up", "signed_up", "SignUp", "user-signed-up")] == [
        "signed_up"
    ] * 4
    assert events.kind("Activated") == "activated"
    assert events.kind("PQL") == "pql"
    assert events.kind("Subscription Started") == "paid"
    assert events.kind("plan upgraded") == "upgraded"
    assert events.kind("First Value") == "first_value"
    assert events.kind("Page Viewed") is None
    assert events.is_usage("Page Viewed")
    assert not events.is_usage("$identify")
    assert events.source == "defaults"


def test_fold() -> None:
    assert fold("  Signed Up ") == "signedup"
    assert fold("$identify") == "identify"
    assert fold("---") == "---"  # nothing alphanumeric: compared as written


def test_email_domain() -> None:
    assert email_domain("Ana@Acme.COM") == "acme.com"
    assert email_domain("Ana <ana@acme.com>") == "acme.com"
    assert email_domain("ana@gmail.com") is None  # free mail names no company
    assert email_domain("u-101") is None
    assert email_domain("ana@localhost") is None
    assert email_domain(42) is None


def test_workspace_file_overrides_the_defaults(tmp_path: Path) -> None:
    write_map(
        tmp_path,
        "events:\n"
        "  signed_up: [Account Created, Trial Started]\n"
        "  activated: Upgraded   # moved here from upgraded's defaults\n"
        "account_keys: [org_id, groups.org]\n"
        "usage:\n"
        "  ignore: [Page Viewed]\n",
    )
    events = workspace_event_map(tmp_path)
    assert events.source == str(tmp_path / "event_map.yml")
    assert events.kind("trial_started") == "signed_up"
    assert events.kind("Signed Up") is None  # signed_up's defaults are replaced
    assert events.kind("Upgraded") == "activated"
    assert events.kind("Plan Upgraded") == "upgraded"  # the rest of upgraded stays
    assert events.kind("PQL") == "pql"  # milestones not listed keep their defaults
    assert events.account_keys == ("org_id", "groups.org")
    assert not events.is_usage("page viewed")
    assert events.is_usage("$identify")  # ignore: replaces the default list


def test_defaults_false_and_usage_only(tmp_path: Path) -> None:
    path = write_map(
        tmp_path, "defaults: false\nevents:\n  pql: Invited Teammate\nusage:\n  only: [Run]\n"
    )
    events = load_event_map(path)
    assert dict(events.kinds) == {"invitedteammate": "pql"}
    assert events.account_keys == DEFAULT_ACCOUNT_KEYS
    assert events.is_usage("run") and not events.is_usage("Page Viewed")


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    assert workspace_event_map(tmp_path) == default_event_map()
    assert workspace_event_map(None) == default_event_map()
    assert load_event_map(write_map(tmp_path, "# nothing yet\n")).kinds == default_event_map().kinds


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_map(
        tmp_path,
        "events:\n"  # 1
        "  signed_up: [Signed Up, Trial Started]\n"  # 2
        "  activatd: Activated\n"  # 3
        "  pql: signed-up\n"  # 4
        "acount_keys: [company_id]\n"  # 5
        "defaults: maybe\n"  # 6
        "email_keys: [42]\n"  # 7
        "usage:\n"  # 8
        "  except: [x]\n",  # 9
    )
    with pytest.raises(EventMapError) as err:
        load_event_map(path)
    assert isinstance(err.value, PulseError)
    assert err.value.message == f"event map {path} is invalid"
    assert [str(i) for i in err.value.issues] == [
        f"{path}:5: unknown key 'acount_keys'. Did you mean 'account_keys'?",
        f"{path}:6: defaults: expected true or false, got 'maybe'",
        f"{path}:3: unknown milestone 'activatd'. Did you mean 'activated'?",
        f"{path}:4: event 'signed-up' is listed under both signed_up and pql",
        f"{path}:7: email_keys: expected a name or a list of names, got [42]",
        f"{path}:9: unknown usage key 'except' (expected one of only, ignore)",
    ]
    assert err.value.hint == (
        "milestones: signed_up, activated, pql, paid, upgraded, first_value; keys: events, "
        "defaults, account_keys, email_keys, usage (see pulse/ingest/event_map.py)"
    )


def test_invalid_yaml_and_wrong_shapes(tmp_path: Path) -> None:
    path = write_map(tmp_path, "events:\n  signed_up: [Signed Up\n")
    with pytest.raises(EventMapError) as err:
        load_event_map(path)
    assert err.value.message == f"event map {path} is not valid YAML"
    assert err.value.issues[0].line == 3
    path = write_map(tmp_path, "- Signed Up\n")
    with pytest.raises(EventMapError) as err:
        load_event_map(path)
    assert [str(i) for i in err.value.issues] == [
        f"{path}:1: expected keys such as events: and account_keys: at the top level"
    ]
    path = write_map(tmp_path, "events: [Signed Up]\nusage: Page Viewed\n")
    with pytest.raises(EventMapError) as err:
        load_event_map(path)
    assert [str(i) for i in err.value.issues] == [
        f"{path}:1: events: expected milestone: event name(s)",
        f"{path}:2: usage: expected only: and/or ignore: lists",
    ]
