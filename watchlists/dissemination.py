"""Who may receive alerts about an entry.

An entry may restrict its alerts to some agencies or countries (`allowed_agencies`, each an
agency code such as `TH-IMM` or a country code such as `THA`). The coordination centre sees
every alert; the agency that reported the crossing sees it only where the entry allows; the
agency that owns the entry always sees alerts about its own entry.
"""

from __future__ import annotations

from watchlists.entry import WatchlistEntry


def may_receive(entry: WatchlistEntry, agency: str, country: str | None = None) -> bool:
    """Whether `agency` (of `country`) may see alerts about this entry."""
    if entry.allowed_agencies is None or agency == entry.issuing_agency:
        return True
    allowed = entry.allowed_agencies
    return agency in allowed or (country is not None and country in allowed)


def recipients(entry: WatchlistEntry, reporting_agency: str, reporting_country: str) -> list[str]:
    """The agencies that get this alert on their own topic: reporter and owner, where allowed."""
    out = []
    if may_receive(entry, reporting_agency, reporting_country):
        out.append(reporting_agency)
    if entry.issuing_agency and entry.issuing_agency not in out:
        out.append(entry.issuing_agency)
    return out
