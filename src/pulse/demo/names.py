"""Company and person names for demo data: unique, readable, and a few planted near-duplicates.

Names come from two word lists combined through a fixed permutation, so neighbouring account
numbers get unrelated names and no two accounts share a name until the combinations run out
(then a number is appended). :data:`NEAR_DUPLICATES` are the deliberate exceptions that give the
data-quality score something to find.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pulse.demo.calendar import Ints

BRANDS = ["Apex", "Arcadia", "Atlas", "Aurora", "Beacon", "Bluewater", "Boreal", "Brightline", "Cardinal", "Cascade", "Cedar", "Citadel", "Cobalt", "Compass", "Copperleaf", "Crescent", "Crestview", "Delta", "Driftwood", "Eastgate", "Echo", "Elmwood", "Ember", "Evergreen", "Falcon", "Fieldstone", "Firefly", "Foxglove", "Frontier", "Galena", "Garnet", "Glacier", "Granite", "Greystone", "Halcyon", "Harbor", "Hawthorn", "Helix", "Highland", "Horizon", "Ironbridge", "Ironwood", "Juniper", "Keystone", "Kestrel", "Lakeshore", "Lantern", "Laurel", "Liberty", "Lighthouse", "Lodestar", "Magnolia", "Maple", "Meridian", "Midland", "Monarch", "Northwind", "Novus", "Oakridge", "Obsidian", "Olympus", "Onyx", "Orchard", "Orion", "Pacifica", "Paragon", "Pinnacle", "Pioneer", "Polaris", "Prairie", "Quarry", "Quartz", "Radiant", "Redwood", "Ridgeline", "Riverside", "Rockport", "Sable", "Sagebrush", "Sapphire", "Sequoia", "Silverline", "Solstice", "Sterling", "Stonegate", "Summit", "Sundial", "Tamarack", "Tidewater", "Timberline", "Trailhead", "Trident", "Tundra", "Unity", "Vanguard", "Vantage", "Verity", "Westbrook", "Whitecap", "Willow", "Windward", "Zenith"]
NOUNS = ["Analytics", "Brands", "Builders", "Capital", "Chemicals", "Components", "Consulting", "Controls", "Dynamics", "Energy", "Engineering", "Fabrication", "Foods", "Freight", "Goods", "Health", "Holdings", "Industries", "Instruments", "Labs", "Logistics", "Machining", "Manufacturing", "Materials", "Media", "Medical", "Metals", "Mobility", "Networks", "Outfitters", "Packaging", "Partners", "Pharma", "Plastics", "Power", "Precision", "Retail", "Robotics", "Shipping", "Software", "Solutions", "Supply", "Systems", "Technologies", "Textiles", "Tools", "Transport", "Travel", "Utilities", "Ventures", "Works"]
SUFFIXES = ("Inc", "LLC", "GmbH", "Ltd", "Co", "Group", "AG", "SA", "Corp", "plc", "BV", "Pty Ltd")
TLDS = (".com", ".com", ".com", ".io", ".de", ".co.uk", ".fr", ".com.au", ".net")

FIRST_NAMES = ["Aisha", "Alex", "Amara", "Andre", "Anna", "Ben", "Carla", "Chen", "Chloe", "Daniel", "David", "Diego", "Elena", "Emma", "Fatima", "Felix", "Grace", "Hannah", "Hiro", "Ines", "Isaac", "Ivan", "Jada", "James", "Jin", "Jonas", "Julia", "Kai", "Karin", "Leo", "Lina", "Lucas", "Maya", "Mei", "Mia", "Mohammed", "Nadia", "Noah", "Nora", "Olivia", "Omar", "Paolo", "Priya", "Rafael", "Rosa", "Ruth", "Sam", "Sara", "Sofia", "Tariq", "Theo", "Tom", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe"]
LAST_NAMES = ["Adams", "Ahmed", "Almeida", "Andersen", "Bauer", "Becker", "Bianchi", "Brown", "Carter", "Chen", "Costa", "Cruz", "Dubois", "Evans", "Fischer", "Garcia", "Gomez", "Green", "Hansen", "Hughes", "Ito", "Jensen", "Johnson", "Kim", "Klein", "Kowalski", "Larsen", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Patel", "Perez", "Petrov", "Reyes", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Torres", "Wagner", "Walker", "Wang", "Weber", "Williams", "Wilson", "Yamamoto", "Zhang"]

NEAR_DUPLICATES = (
    ("Acme Corp", "acme.com"),
    ("ACME Corporation", "acme.com"),
    ("Globex Industries", "globex.com"),
    ("Globex Industries Inc.", "globexindustries.com"),
    ("Initech", "initech.io"),
    ("Initech LLC", "initech.io"),
)

_PAIRS = len(BRANDS) * len(NOUNS)
_STEP = 7_919  # a prime that does not divide _PAIRS: i -> i * _STEP mod _PAIRS is a bijection


def _slug(values: pa.Array) -> pa.Array:
    lowered = pc.utf8_lower(values)
    return pc.replace_substring_regex(lowered, pattern=r"[^a-z0-9]+", replacement="")


def companies(numbers: Ints) -> tuple[pa.Array, pa.Array]:
    """Company names and web domains for account numbers (0-based, globally unique)."""
    n = np.asarray(numbers, dtype=np.int64)
    pair = (n * _STEP + 11) % _PAIRS
    brand = pa.array(BRANDS).take(pa.array(pair // len(NOUNS)))
    noun = pa.array(NOUNS).take(pa.array(pair % len(NOUNS)))
    suffix = pa.array(SUFFIXES).take(pa.array((pair * 31 + n // _PAIRS) % len(SUFFIXES)))
    tld = pa.array(TLDS).take(pa.array(pair % len(TLDS)))
    lap = n // _PAIRS
    tag = pc.if_else(
        pa.array(lap > 0),
        pc.binary_join_element_wise(" ", pc.cast(pa.array(lap + 1), pa.string()), ""),
        "",
    )
    name = pc.binary_join_element_wise(brand, " ", noun, tag, " ", suffix, "")
    domain = pc.binary_join_element_wise(_slug(brand), _slug(noun), _slug(tag), tld, "")
    return name, domain


def people(numbers: Ints) -> pa.Array:
    """Person names for rep numbers (0-based)."""
    n = np.asarray(numbers, dtype=np.int64)
    pairs = len(FIRST_NAMES) * len(LAST_NAMES)
    pair = (n * 1_447 + 5) % pairs
    first = pa.array(FIRST_NAMES).take(pa.array(pair // len(LAST_NAMES)))
    last = pa.array(LAST_NAMES).take(pa.array(pair % len(LAST_NAMES)))
    lap = n // pairs
    initial = pa.array([chr(65 + int(k) % 26) + ". " if k else "" for k in lap.tolist()])
    return pc.binary_join_element_wise(first, " ", initial, last, "")
