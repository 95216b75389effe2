"""Exit codes of the `pillar` command (documented in the README)."""

OK = 0
USAGE = 1  # bad arguments, unknown review, invalid input file
CREDENTIALS = 2  # credentials or permissions stopped a scan
FAIL_ON = 3  # `pillar scan --fail-on` threshold met
LOCKED = 4  # the review is held by another pillar process
CONFLICT = 5  # `pillar wa push/pull` left questions changed on both sides (conflicts)
SOFTWARE = 70  # an unexpected error (a bug): run again with --debug
INTERRUPTED = 130
