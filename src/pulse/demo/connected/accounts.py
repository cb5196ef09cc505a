"""How each tool in the connected demo names a CRM account: by id, domain, name, or badly.

Real tools rarely carry the CRM's account id. The connected demo mirrors that: product analytics
and call tools carry the CRM id (a group key, a CRM context object), survey and engagement tools
an e-mail address or a web domain, accounting and support tools the company's name. A few names
are deliberately misspelt (the fuzzy matches) and a few records belong to companies the CRM has
never heard of (the unmatched), so ``match_accounts`` has every case to report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

# Billing entities and support organisations the CRM does not know (they stay unmatched).
UNKNOWN_COMPANIES = ("Contoso Pharmaceuticals", "Fabrikam Trading Ltd", "Tailspin Toys")
# Accounts 1-6 carry the generator's planted near-duplicate names; leave them alone.
_FIRST_PLANTABLE = 10


def misspell(name: str) -> str:
    """A typo a person would make: the longest word loses its second-to-last letter.

    ``"Apex Fabrication Group"`` → ``"Apex Fabricaton Group"``: close enough for a fuzzy match,
    never equal after normalising.
    """
    words = name.split(" ")
    i = max(range(len(words)), key=lambda k: (len(words[k]), -k))
    word = words[i]
    if len(word) >= 4:
        words[i] = word[:-2] + word[-1]
    return " ".join(words)


@dataclass
class AccountBook:
    """The CRM's accounts, and the planted name problems of the demo."""

    names: dict[str, str]
    domains: dict[str, str]
    misspelt: dict[str, str] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    no_org: set[str] = field(default_factory=set)  # records that name no company, only people

    def copy(self) -> AccountBook:
        """The same accounts without planted problems: each tool plants its own."""
        return AccountBook(self.names, self.domains)

    @classmethod
    def from_table(cls, accounts: pa.Table) -> AccountBook:
        """From the generated ``accounts`` table."""
        ids = accounts.column("account_id").to_pylist()
        names = accounts.column("name").to_pylist()
        domains = accounts.column("domain").to_pylist()
        return cls(
            names={a: n for a, n in zip(ids, names, strict=True) if a and n},
            domains={a: d for a, d in zip(ids, domains, strict=True) if a and d},
        )

    def plantable(self, among: list[str], n: int, skip: int = 0) -> list[str]:
        """``n`` accounts of ``among`` (sorted, past the planted duplicates), after ``skip``."""
        pool = sorted({a for a in among if a in self.names})
        pool = [a for a in pool if _number(a) >= _FIRST_PLANTABLE] or pool
        return pool[skip : skip + n]

    def plant_typos(self, accounts: list[str]) -> None:
        """Spell these accounts' names wrongly wherever a tool writes the name."""
        for a in accounts:
            self.misspelt[a] = misspell(self.names[a])

    def plant_unknown(self, accounts: list[str], start: int = 0) -> None:
        """Write these accounts under names the CRM does not know (a billing entity, say)."""
        for k, a in enumerate(accounts):
            self.renamed[a] = UNKNOWN_COMPANIES[(start + k) % len(UNKNOWN_COMPANIES)]

    def name(self, account_id: str) -> str:
        """The company name a tool shows: the CRM's, a typo of it, or an unknown entity."""
        if account_id in self.renamed:
            return self.renamed[account_id]
        if account_id in self.misspelt:
            return self.misspelt[account_id]
        return self.names.get(account_id, account_id)

    def domain(self, account_id: str) -> str:
        """The company's web domain (an unknown entity gets a domain of its own)."""
        if account_id in self.renamed:
            return _slug(self.renamed[account_id]) + ".example"
        return self.domains.get(account_id, _slug(account_id) + ".example")

    def person(self, account_id: str, n: int) -> tuple[str, str]:
        """Name and e-mail address of one of the company's contacts (a few per company)."""
        k = (_number(account_id) * 7 + n % 3) % (len(_FIRST) * len(_LAST))
        first, last = _FIRST[k % len(_FIRST)], _LAST[k // len(_FIRST) % len(_LAST)]
        return f"{first} {last}", f"{first}.{last}@{self.domain(account_id)}".lower()

    def email(self, account_id: str, n: int) -> str:
        """A contact's e-mail address at the company."""
        return self.person(account_id, n)[1]


_FIRST = ("Alex", "Sam", "Jo", "Maria", "Li", "Noah", "Priya", "Omar", "Eva", "Kim", "Ana")
_LAST = ("Berg", "Costa", "Diaz", "Evans", "Fischer", "Gupta", "Hale", "Ito", "Jensen", "Khan")


def _number(account_id: str) -> int:
    digits = "".join(ch for ch in account_id if ch.isdigit())
    return int(digits) if digits else 0


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())
