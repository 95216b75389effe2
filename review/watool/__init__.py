"""Sync a review with the AWS Well-Architected Tool (issue 10).

- `mapping`: a question's answer in WA Tool terms (`WaAnswer`) from pillar's answers and
  back, the UpdateAnswer request, fingerprints, lens-version mismatches. Pure.
- `state`: per-question sync state (in sync, local changes, remote changes, conflict)
  and the plans of changes for push and pull. Pure.
- `client`: the only module that talks to AWS: a `wellarchitected` client limited to an
  allow-list of operations, errors as one sentence, AWS data as values.
- `sync`: push, pull and status: the plans carried out through the client and the store.

Only this package (and the front ends) use the WA Tool client; checks never import it.
"""
