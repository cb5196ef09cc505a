"""Account matching: resolve the account names, domains and e-mails of other tools to CRM ids.

Accounting, support and survey tools do not carry the CRM's account id: an invoice names the
customer ("ACME Corp."), a ticket its organisation, an NPS answer an e-mail address. With
``match_accounts`` each *distinct* incoming ``account_id`` value is resolved against the
workspace's ``accounts`` table, trying in order:

1. ``id`` — the value is an ``accounts.account_id`` (exact);
2. ``domain`` — the value is a domain, URL or e-mail address whose registrable host
   (lower-case, ``www.`` and sub-domains stripped: ``https://www.acme.com/x``,
   ``jane@eu.acme.com`` → ``acme.com``) equals that of ``accounts.domain``;
3. ``name`` — the normalised value equals a normalised ``accounts.name`` (lower-case, accents,
   punctuation and legal suffixes such as Inc, LLC, Ltd, GmbH, Corp, Co stripped);
4. ``fuzzy`` — the best name similarity (:func:`similarity`, 0..1) is at least the threshold
   (default 0.85); only names sharing enough letter trigrams with the value are scored.

The first step that finds a candidate decides. When it finds several accounts (two accounts
with one domain, two names equally close) the value is *ambiguous* and, like an unmatched
value, is kept as it is: rows are never dropped. The :class:`MatchReport` lists every value
with its method, score and row count; the importer stores it in ``_account_matches`` in the
import's transaction, and ``pulse data matches`` shows it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

DEFAULT_THRESHOLD = 0.85
MIN_OVERLAP = 0.3  # trigram Dice below which a name is not scored
MAX_CANDIDATES = 50  # names scored per value, those sharing most trigrams
METHODS = ("id", "domain", "name", "fuzzy")
MATCHES_TABLE = "_account_matches"
MAP_TABLE = "__pulse_account_map"

LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "lc",
        "ltd",
        "limited",
        "gmbh",
        "mbh",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "pty",
        "pte",
        "llp",
        "lp",
        "kk",
        "kg",
        "se",
        "sl",
        "sro",
        "zoo",
    ]
)
# second-level labels under a two-letter country code: co.uk, com.au, co.jp, …
_SECOND_LEVEL = frozenset(
    ["co", "com", "net", "org", "gov", "ac", "edu", "ltd", "plc", "ne", "or", "gob", "gv", "nic"]
)
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True)
class Match:
    """How one distinct incoming value was resolved."""

    raw: str
    account_id: str | None  # the CRM account id, None when unmatched or ambiguous
    method: str | None  # id, domain, name, fuzzy; None when unmatched or ambiguous
    score: float | None
    rows: int
    candidates: tuple[str, ...] = ()  # the tied accounts of an ambiguous value


@dataclass(frozen=True)
class MatchReport:
    """Every distinct value of one import and how it was matched."""

    table: str
    matches: tuple[Match, ...]
    accounts: int  # rows in the accounts table when matching ran
    threshold: float = DEFAULT_THRESHOLD
    import_id: int = 0

    @property
    def matched(self) -> list[Match]:
        """Values resolved to an account."""
        return [m for m in self.matches if m.method is not None]

    @property
    def unmatched(self) -> list[Match]:
        """Values kept as they are (no candidate, or several: see ``candidates``)."""
        return [m for m in self.matches if m.method is None]

    @property
    def fuzzy(self) -> list[Match]:
        """Values matched by name similarity: worth a look."""
        return [m for m in self.matches if m.method == "fuzzy"]

    def counts(self) -> dict[str, int]:
        """Distinct values per method, plus ``unmatched``."""
        out = dict.fromkeys((*METHODS, "unmatched"), 0)
        for m in self.matches:
            out[m.method or "unmatched"] += 1
        return out

    def lines(self) -> list[str]:
        """What to print after an import: counts per method, then the fuzzy and unmatched."""
        values = len(self.matches)
        rows = sum(m.rows for m in self.matches)
        if self.accounts == 0:
            return [
                f"accounts matched: none, the accounts table is empty; {values:,} value"
                f"{'s' if values != 1 else ''} ({rows:,} rows) kept as they are "
                "(import accounts first, then import this file again)"
            ]
        counts = self.counts()
        per = ", ".join(f"{method} {counts[method]:,}" for method in METHODS)
        out = [
            f"accounts matched: {len(self.matched):,} of {values:,} values "
            f"({sum(m.rows for m in self.matched):,} of {rows:,} rows): {per}; "
            f"{counts['unmatched']:,} unmatched"
        ]
        for m in sorted(self.fuzzy, key=lambda m: (m.score or 0, m.raw)):
            out.append(
                f"  fuzzy: '{m.raw}' → {m.account_id} (score {m.score:.2f}, {_rows(m.rows)})"
            )
        for m in sorted(self.unmatched, key=lambda m: (-m.rows, m.raw)):
            if m.candidates:
                tied = ", ".join(m.candidates)
                out.append(f"  ambiguous: '{m.raw}' ({_rows(m.rows)}): kept; could be {tied}")
            else:
                out.append(f"  unmatched: '{m.raw}' ({_rows(m.rows)}): kept as it is")
        return out

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "import_id": self.import_id,
            "table": self.table,
            "accounts": self.accounts,
            "threshold": self.threshold,
            "counts": self.counts(),
            "values": [
                {
                    "raw": m.raw,
                    "account_id": m.account_id,
                    "method": m.method,
                    "score": m.score,
                    "rows": m.rows,
                    "candidates": list(m.candidates),
                }
                for m in self.matches
            ],
        }


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


# -- normalising ------------------------------------------------------------------------------


def registrable_host(value: str) -> str | None:
    """The registrable host of a domain, URL or e-mail address; None for anything else.

    ``https://www.Acme.com/pricing`` → ``acme.com``, ``jane@eu.acme.co.uk`` → ``acme.co.uk``.
    """
    text = value.strip().lower()
    if not text or " " in text:
        return None
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    elif "://" in text:
        text = urlsplit(text).hostname or ""
    else:
        text = text.split("/", 1)[0]
    text = text.split(":", 1)[0].strip(".")
    if not _DOMAIN.match(text):
        return None
    labels = text.split(".")
    if labels[0] == "www" and len(labels) > 2:
        labels = labels[1:]
    tld = labels[-1]
    if not tld.isalpha():
        return None  # an IP address or a version number
    keep = 3 if len(labels) >= 3 and len(tld) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def normalize_name(value: str) -> str:
    """Lower-case, accents, punctuation and trailing legal suffixes stripped.

    ``"ACME Corp."``, ``"Acme, Inc."`` and ``"Acmé GmbH"`` all become ``"acme"``.
    """
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace(".", "").replace("'", "").replace("’", "")
    tokens = re.sub(r"[^0-9a-z]+", " ", text).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


def _trigrams(name: str) -> set[str]:
    padded = f"  {name} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _sorted_tokens(name: str) -> str:
    return " ".join(sorted(name.split()))


def similarity(a: str, b: str) -> float:
    """Name similarity of two *normalised* names, 0..1 (difflib ratio, words in any order)."""
    if not a or not b:
        return 0.0
    return max(
        SequenceMatcher(None, a, b, autojunk=False).ratio(),
        SequenceMatcher(None, _sorted_tokens(a), _sorted_tokens(b), autojunk=False).ratio(),
    )


# -- matching ---------------------------------------------------------------------------------


@dataclass
class AccountIndex:
    """The accounts table, indexed for each method."""

    ids: set[str] = field(default_factory=set)
    by_domain: dict[str, set[str]] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)
    size: int = 0
    _names: list[str] = field(default_factory=list)
    _grams: dict[str, list[int]] = field(default_factory=dict)
    _sizes: list[int] = field(default_factory=list)

    def _index_grams(self) -> None:
        self._names = list(self.by_name)
        for i, name in enumerate(self._names):
            grams = _trigrams(name)
            self._sizes.append(len(grams))
            for gram in grams:
                self._grams.setdefault(gram, []).append(i)

    def _candidates(self, norm: str) -> list[str]:
        """Names sharing enough letter trigrams with ``norm`` to be worth a fuzzy score.

        A heuristic that keeps matching fast (thousands of values against thousands of accounts
        in about a second): names sharing few trigrams (Dice below ``MIN_OVERLAP``) score far
        below any useful threshold, so only the ``MAX_CANDIDATES`` names with most overlap get
        the (slow) difflib score.
        """
        if not self._names and self.by_name:
            self._index_grams()
        grams = _trigrams(norm)
        shared: dict[int, int] = {}
        for gram in grams:
            for i in self._grams.get(gram, ()):
                shared[i] = shared.get(i, 0) + 1
        scored = []
        for i, n in shared.items():
            dice = 2 * n / (len(grams) + self._sizes[i])
            if dice >= MIN_OVERLAP:
                scored.append((-dice, self._names[i]))
        scored.sort()
        return [name for _, name in scored[:MAX_CANDIDATES]]

    @classmethod
    def build(cls, accounts: Iterable[tuple[str | None, str | None, str | None]]) -> AccountIndex:
        """From ``(account_id, name, domain)`` rows."""
        index = cls()
        for account_id, name, domain in accounts:
            if account_id is None:
                continue
            index.size += 1
            index.ids.add(account_id)
            host = registrable_host(domain) if domain else None
            if host:
                index.by_domain.setdefault(host, set()).add(account_id)
            norm = normalize_name(name) if name else ""
            if norm:
                index.by_name.setdefault(norm, set()).add(account_id)
        return index

    def resolve(self, raw: str, rows: int, threshold: float) -> Match:
        """Match one value (see the module docstring for the order)."""
        if raw in self.ids:
            return Match(raw, raw, "id", 1.0, rows)
        host = registrable_host(raw)
        if host is not None and host in self.by_domain:
            return _decide(raw, rows, "domain", 1.0, self.by_domain[host])
        norm = normalize_name(raw)
        if not norm:
            return Match(raw, None, None, None, rows)
        if norm in self.by_name:
            return _decide(raw, rows, "name", 1.0, self.by_name[norm])
        best, tied = 0.0, set[str]()
        for name in self._candidates(norm):
            # difflib's ratio is at most 2·min(len)/(len a + len b): skip names too different
            if 2 * min(len(name), len(norm)) < threshold * (len(name) + len(norm)):
                continue
            score = similarity(norm, name)
            if score > best + 1e-12:
                best, tied = score, set(self.by_name[name])
            elif abs(score - best) <= 1e-12:
                tied |= self.by_name[name]
        if tied and best >= threshold - 1e-12:
            return _decide(raw, rows, "fuzzy", round(best, 4), tied)
        return Match(raw, None, None, None, rows)


def _decide(raw: str, rows: int, method: str, score: float, ids: set[str]) -> Match:
    if len(ids) == 1:
        return Match(raw, next(iter(ids)), method, score, rows)
    return Match(raw, None, None, score, rows, tuple(sorted(ids)))


def match_values(
    values: Iterable[tuple[str, int]],
    accounts: Iterable[tuple[str | None, str | None, str | None]],
    *,
    table: str,
    threshold: float | None = None,
) -> MatchReport:
    """Resolve distinct ``(value, rows)`` pairs against ``(account_id, name, domain)`` rows."""
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    index = AccountIndex.build(accounts)
    pairs = sorted(values)
    if index.size == 0:
        matches = tuple(Match(raw, None, None, None, rows) for raw, rows in pairs)
    else:
        matches = tuple(index.resolve(raw, rows, limit) for raw, rows in pairs)
    return MatchReport(table, matches, index.size, limit)


def match_in_workspace(
    con: duckdb.DuckDBPyConnection,
    table: str,
    value_sql: str,
    relation: str,
    where_sql: str | None,
    threshold: float | None,
) -> MatchReport:
    """Match the distinct values of ``value_sql`` over ``relation`` and create the map table.

    Creates the temporary table ``__pulse_account_map(raw, account_id)`` holding the matched
    values only; :func:`mapped_sql` rewrites a column's SQL through it.
    """
    where = f" WHERE ({where_sql})" if where_sql else ""
    distinct = con.execute(
        f"SELECT v, count(*) FROM (SELECT pulse_text({value_sql}) AS v FROM {relation}{where}) "
        "WHERE v IS NOT NULL GROUP BY v"
    ).fetchall()
    accounts = con.execute("SELECT account_id, name, domain FROM accounts").fetchall()
    report = match_values(
        ((str(v), int(n)) for v, n in distinct), accounts, table=table, threshold=threshold
    )
    matched = report.matched
    mapping = pa.table(
        {
            "raw": pa.array([m.raw for m in matched], pa.string()),
            "account_id": pa.array([m.account_id for m in matched], pa.string()),
        }
    )
    con.register("__pulse_account_map_arrow", mapping)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {MAP_TABLE} AS "
            "SELECT raw, account_id FROM __pulse_account_map_arrow"
        )
    finally:
        con.unregister("__pulse_account_map_arrow")
    return report


def mapped_sql(value_sql: str) -> str:
    """SQL for a value replaced by its matched account id (the value itself when unmatched)."""
    value = f"pulse_text({value_sql})"
    return (
        f"COALESCE((SELECT __m.account_id FROM {MAP_TABLE} __m WHERE __m.raw = {value}), {value})"
    )


def drop_map(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary map table."""
    con.execute(f"DROP TABLE IF EXISTS {MAP_TABLE}")


CREATE_MATCHES_SQL = f"""
CREATE TABLE IF NOT EXISTS {MATCHES_TABLE} (
    import_id BIGINT,
    table_name VARCHAR,
    raw_value VARCHAR,
    account_id VARCHAR,
    method VARCHAR,
    score DOUBLE,
    rows BIGINT,
    candidates VARCHAR,
    accounts BIGINT,
    threshold DOUBLE
)"""


def store_report(con: duckdb.DuckDBPyConnection, import_id: int, report: MatchReport) -> None:
    """Append the report to ``_account_matches`` (inside the import's transaction).

    An import whose file had no values still gets one row (``raw_value`` NULL), so the report
    says that matching ran.
    """
    con.execute(CREATE_MATCHES_SQL)
    ms = report.matches or (Match("", None, None, None, 0),)
    data = pa.table(
        {
            "raw_value": pa.array([m.raw if report.matches else None for m in ms], pa.string()),
            "account_id": pa.array([m.account_id for m in ms], pa.string()),
            "method": pa.array([m.method for m in ms], pa.string()),
            "score": pa.array([m.score for m in ms], pa.float64()),
            "rows": pa.array([m.rows for m in ms], pa.int64()),
            "candidates": pa.array([", ".join(m.candidates) or None for m in ms], pa.string()),
        }
    )
    con.register("__pulse_matches_arrow", data)
    try:
        con.execute(
            f"INSERT INTO {MATCHES_TABLE} SELECT {int(import_id)}, "
            f"'{report.table.replace(chr(39), chr(39) * 2)}', raw_value, account_id, method, "
            f"score, rows, candidates, {int(report.accounts)}, {float(report.threshold)} "
            "FROM __pulse_matches_arrow"
        )
    finally:
        con.unregister("__pulse_matches_arrow")


def load_report(con: duckdb.DuckDBPyConnection, import_id: int | None = None) -> MatchReport | None:
    """The stored report of ``import_id`` (default: the latest import that matched accounts)."""
    exists = con.execute(
        f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{MATCHES_TABLE}' "
        "AND NOT temporary"
    ).fetchall()[0][0]
    if not exists:
        return None
    if import_id is None:
        latest = con.execute(f"SELECT max(import_id) FROM {MATCHES_TABLE}").fetchall()[0][0]
        if latest is None:
            return None
        import_id = int(latest)
    found = con.execute(
        f"SELECT table_name, raw_value, account_id, method, score, rows, candidates, accounts, "
        f"threshold FROM {MATCHES_TABLE} WHERE import_id = {int(import_id)} ORDER BY raw_value"
    ).fetchall()
    if not found:
        return None
    matches = tuple(
        Match(raw, acc, method, score, int(rows), tuple(cands.split(", ")) if cands else ())
        for _, raw, acc, method, score, rows, cands, _, _ in found
        if raw is not None
    )
    first = found[0]
    return MatchReport(str(first[0]), matches, int(first[7]), float(first[8]), import_id)
