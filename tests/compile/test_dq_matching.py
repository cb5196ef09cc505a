"""The duplicate-name matching finds exactly the pairs of its definition, however it prunes.

``dq_similar_keys`` skips the edit distance for pairs whose letter counts already differ too
much; this checks it against the plain definition (every pair in the same first-three-characters
and digits block, lengths within 2, both 8+ characters, Levenshtein <= 2) on names built to sit
near the edges: typos, swaps, dropped and doubled letters, different numbers, short names.
"""

from __future__ import annotations

import random
from datetime import date

import duckdb

from pulse.catalog.registry import load_catalog
from pulse.compile.planner import Context, Planner

PLAIN = """
SELECT DISTINCT k.name_key, k.name_key AS match_key FROM account_name_keys AS k
UNION ALL
SELECT a.name_key, b.name_key AS match_key
FROM (SELECT DISTINCT name_key FROM account_name_keys) AS a
JOIN (SELECT DISTINCT name_key FROM account_name_keys) AS b
  ON LEFT(a.name_key, 3) = LEFT(b.name_key, 3)
  AND REGEXP_REPLACE(a.name_key, '[^0-9]', '', 'g') = REGEXP_REPLACE(b.name_key, '[^0-9]', '', 'g')
  AND a.name_key <> b.name_key
  AND ABS(LENGTH(a.name_key) - LENGTH(b.name_key)) <= 2
  AND LEAST(LENGTH(a.name_key), LENGTH(b.name_key)) >= 8
  AND LEVENSHTEIN(a.name_key, b.name_key) <= 2
"""

WORDS = ["acme", "acorn", "aurora", "boreal", "glacier", "granite", "unity", "unit", "apple"]


def _mutate(name: str, rng: random.Random) -> str:
    chars = list(name)
    for _ in range(rng.randint(0, 3)):
        i = rng.randrange(len(chars))
        op = rng.choice(["sub", "del", "ins", "swap", "double"])
        if op == "sub":
            chars[i] = rng.choice("aeiorstlnx ")
        elif op == "del" and len(chars) > 1:
            del chars[i]
        elif op == "ins":
            chars.insert(i, rng.choice("aeiorstlnx "))
        elif op == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars.insert(i, chars[i])
    return "".join(chars)


def _names(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = []
    for _ in range(count):
        base = f"{rng.choice(WORDS)} {rng.choice(WORDS)}"
        if rng.random() < 0.5:
            base += f" {rng.randint(1, 3)}"
        names.append(_mutate(base, rng))
    return names


def test_pruned_matching_equals_the_plain_definition() -> None:
    catalog = load_catalog()
    planner = Planner(catalog)
    con = duckdb.connect()
    con.execute("CREATE TABLE accounts (account_id VARCHAR, name VARCHAR, created_at DATE)")
    names = _names(1500, seed=11)
    con.executemany(
        "INSERT INTO accounts VALUES (?, ?, ?)",
        [[f"a{i}", n, date(2024, 1, 1)] for i, n in enumerate(names)],
    )
    con.execute(
        "CREATE TABLE account_name_keys AS "
        + planner.plan_model("account_name_keys", None, Context())
    )
    new_sql = Planner(catalog, {"account_name_keys": "account_name_keys"}).plan_model(
        "dq_key_matches", None, Context()
    )
    new = sorted(con.execute(new_sql).fetchall())
    plain = sorted(con.execute(PLAIN).fetchall())
    assert new == plain
    distinct = [row for row in plain if row[0] != row[1]]
    assert len(distinct) > 100  # the data has plenty of near-duplicates to find
