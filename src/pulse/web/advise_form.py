"""The advise form of the dashboard: the ``pulse advise`` options as form fields, parsed with
the same parsers as the CLI, and every problem attached to the field it belongs to.

:func:`read_form` turns submitted text (form fields or query parameters, same names) into
:class:`~pulse.advise.facts.CompanyFacts` and :class:`~pulse.advise.facts.Engagement`, or a
``{field: message}`` map the page shows next to each field. Nothing here raises for bad input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pulse.advise.facts import (
    AdviceError,
    CompanyFacts,
    Engagement,
    ManufacturingType,
    Motion,
    RevenueModel,
    parse_amount,
    parse_choice,
    parse_date,
    parse_share,
    parse_yes_no,
)
from pulse.catalog.profiles import list_profiles
from pulse.errors import PulseError


@dataclass(frozen=True)
class Field:
    """One form field: its name (the CLI option without ``--``, with ``_``), label and kind."""

    name: str
    label: str
    kind: str  # amount, share, count, choice, yes_no, date, industry
    help: str
    group: str  # "facts" or "terms"
    choices: tuple[str, ...] = ()

    @property
    def option(self) -> str:
        """The ``pulse advise`` option this field stands for."""
        return "--" + ("equity-pct" if self.name == "equity_pct" else self.name.replace("_", "-"))


FIELDS: tuple[Field, ...] = (
    Field(
        "industry", "Industry (profile)", "industry", "The profile advice is given from.", "facts"
    ),
    Field("arr", "ARR", "amount", "Annual recurring revenue: 2.5M, 800k.", "facts"),
    Field("revenue", "Revenue", "amount", "Annual revenue (services: the $5M line).", "facts"),
    Field("customers", "Paying customers", "count", "How many customers pay today.", "facts"),
    Field("sales_team", "Sales team", "count", "People selling.", "facts"),
    Field("cs_team", "CS team", "count", "Customer-success people.", "facts"),
    Field("annual_churn", "Annual churn", "share", "Churn a year: 0.25 or 25%.", "facts"),
    Field(
        "motion",
        "Motion",
        "choice",
        "How the company sells.",
        "facts",
        tuple(m.value for m in Motion),
    ),
    Field(
        "revenue_model",
        "Revenue model",
        "choice",
        "Services: how clients pay.",
        "facts",
        tuple(m.value for m in RevenueModel),
    ),
    Field(
        "manufacturing",
        "Manufacturing",
        "choice",
        "Manufacturing type.",
        "facts",
        tuple(m.value for m in ManufacturingType),
    ),
    Field("has_crm", "Has a CRM", "yes_no", "Is a CRM in use?", "facts", ("yes", "no")),
    Field("start_date", "Start date", "date", "Day 1 of the engagement (default today).", "facts"),
    Field(
        "days_per_month", "Days a month", "amount", "Fractional CRO days (seeds: 5-15).", "terms"
    ),
    Field("day_rate", "Day rate", "amount", "Fractional CRO day rate.", "terms"),
    Field("retainer", "Retainer", "amount", "Or a monthly retainer (not both).", "terms"),
    Field("equity_pct", "Equity share", "share", "Equity part of the package (10-30%).", "terms"),
    Field(
        "benefits_load", "Benefits load", "share", "VP benefits on salary (default 25%).", "terms"
    ),
    Field(
        "vp_monthly", "VP monthly salary", "amount", "VP of Sales salary (seeds: 25k-45k).", "terms"
    ),
    Field(
        "vp_equity", "VP equity a year", "amount", "Yearly value of the VP's equity grant.", "terms"
    ),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
_BY_OPTION = {f.option: f.name for f in FIELDS}
_ENUMS: dict[str, type[StrEnum]] = {
    "motion": Motion,
    "revenue_model": RevenueModel,
    "manufacturing": ManufacturingType,
}


def industries() -> list[dict[str, str]]:
    """The profiles a company can be advised from: ``{"id", "name"}``."""
    return [{"id": p.id, "name": p.name} for p in list_profiles()]


@dataclass
class FormResult:
    """What a submitted form gave: the cleaned values, the facts and terms, or errors."""

    values: dict[str, str]
    facts: CompanyFacts | None = None
    terms: Engagement | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the facts and terms were read without a problem."""
        return not self.errors and self.facts is not None and self.terms is not None


def message_of(exc: PulseError) -> str:
    """An error's message and hint as one line."""
    return exc.message + (f" ({exc.hint})" if exc.hint else "")


def _field_message(exc: PulseError) -> tuple[str | None, str]:
    """The field an advise error is about (the first CLI option it names) and its message,
    with the leading ``--option:`` dropped and any other option written as its label."""
    options = re.findall(r"--[a-z-]+", exc.message)
    known = [o for o in options if o in _BY_OPTION]
    if not known:
        return None, message_of(exc)
    text = exc.message
    prefix = f"{known[0]}: "
    if text.startswith(prefix):
        text = text[len(prefix) :]
    for option in known:
        text = text.replace(option, _label(_BY_OPTION[option]))
    return _BY_OPTION[known[0]], text + (f" ({exc.hint})" if exc.hint else "")


def _label(name: str) -> str:
    return next(f.label for f in FIELDS if f.name == name)


def _count(text: str, option: str) -> int:
    raw = text.strip().replace(",", "")
    if not re.fullmatch(r"[0-9]+", raw):
        raise AdviceError(f"'{text}' is not a whole number of 0 or more", hint="write e.g. 12")
    return int(raw)


def _parse(f: Field, text: str) -> Any:
    """One field's value; raises AdviceError whose message is about the field."""
    parsers: dict[str, Callable[[str, str], Any]] = {
        "amount": parse_amount,
        "share": parse_share,
        "count": _count,
        "yes_no": parse_yes_no,
        "date": parse_date,
    }
    if f.kind == "choice":
        return parse_choice(text, f.option, _ENUMS[f.name])
    if f.kind == "industry":
        known = [p["id"] for p in industries()]
        if text not in known:
            raise AdviceError(
                f"unknown profile '{text}'", hint=f"choose one of: {', '.join(known)}"
            )
        return text
    return parsers[f.kind](text, f.option)


def read_form(submitted: Mapping[str, Any]) -> FormResult:
    """Read the advise form (or query) ``submitted``; blank fields are facts not given."""
    values = {
        name: value.strip()
        for name in FIELD_NAMES
        if isinstance(value := submitted.get(name), str) and value.strip()
    }
    result = FormResult(values)
    parsed: dict[str, Any] = {}
    if "industry" not in values:
        result.errors["industry"] = "choose the industry profile to advise from"
    for f in FIELDS:
        if f.name not in values:
            continue
        try:
            parsed[f.name] = _parse(f, values[f.name])
        except AdviceError as exc:
            name, text = _field_message(exc)
            result.errors[name or f.name] = text
    if result.errors:
        return result
    try:
        result.facts = CompanyFacts(
            industry=parsed["industry"],
            **{
                k: parsed.get(k)
                for k in (
                    "arr",
                    "revenue",
                    "customers",
                    "sales_team",
                    "cs_team",
                    "annual_churn",
                    "motion",
                    "revenue_model",
                    "manufacturing",
                    "has_crm",
                    "start_date",
                )
            },
        )
        result.terms = Engagement(
            days_per_month=parsed.get("days_per_month"),
            day_rate=parsed.get("day_rate"),
            retainer=parsed.get("retainer"),
            equity_share=parsed.get("equity_pct"),
            benefits_load=parsed.get("benefits_load"),
            vp_monthly=parsed.get("vp_monthly"),
            vp_equity_annual=parsed.get("vp_equity"),
        )
    except AdviceError as exc:
        name, text = _field_message(exc)
        result.errors[name or "form"] = text
        result.facts = result.terms = None
    return result


def form_schema() -> list[dict[str, Any]]:
    """The fields as data (the JSON twin of the empty form)."""
    out = []
    for f in FIELDS:
        choices = [p["id"] for p in industries()] if f.kind == "industry" else list(f.choices)
        out.append(
            {
                "name": f.name,
                "label": f.label,
                "kind": f.kind,
                "help": f.help,
                "group": f.group,
                "option": f.option,
                "choices": choices,
                "required": f.name == "industry",
            }
        )
    return out
