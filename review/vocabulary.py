"""The words every front end and export uses for answers and the people behind them.

One place for the labels of answer statuses, question risks and not-applicable reasons, and
for who is named as the author of an answer when no one is named. The check status labels
live beside their type in `checks.result`; the id patterns in `questions.ids`.
"""

from __future__ import annotations

import getpass

from review.model import THE_ROOM

__all__ = [
    "SCAN_AUTHOR",
    "THE_ROOM",
    "UNKNOWN_PERSON",
    "person_at_terminal",
    "scan_acceptance",
]

# --- who answered -------------------------------------------------------------------------
# Three roles, three names:
# - a person: whoever runs pillar, by login name (`person_at_terminal`), or a name given
#   with `--by` or picked in the app;
# - THE_ROOM: the whole group, in a workshop, when the facilitator picks no participant;
# - the scan (SCAN_AUTHOR): never an author on its own. Evidence only proposes; a proposal
#   accepted by `pillar scan --review` is recorded as accepted by the person who ran it,
#   marked "(pillar scan)" (`scan_acceptance`).
# UNKNOWN_PERSON is what is shown when the author is not known: an answer stored without
# one, or a login name that cannot be read (a container with no user entry).

UNKNOWN_PERSON = "unknown"
SCAN_AUTHOR = "pillar scan"


def person_at_terminal() -> str:
    """The login name of whoever runs pillar, or UNKNOWN_PERSON when there is none."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers without a user entry)
        return UNKNOWN_PERSON


def scan_acceptance(person: str) -> str:
    """The `by` of answers a scan filled from its proposals on `person`'s command."""
    return f"{person} ({SCAN_AUTHOR})"
