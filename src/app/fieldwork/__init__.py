"""Several laptops, one commune (issue #9): assignments, field bundles, merging and conflicts.

- `reviewers`, `laptop_keys`: who works in the field, and each laptop's Ed25519 key;
- `assignments` (commune laptop) and `assignment_open` (reviewer's laptop): the signed file that
  hands households out and, after merging, brings every laptop up to date;
- `bundle_export` (reviewer) and `bundle_merge` (commune): the signed file of field changes and
  its all-or-nothing merge; `conflicts`: what the officer decides, field by field;
- underneath: `paths` (a household as field paths, members by stable uid), `member_matching`,
  `registers` (multi-value registers: any merge order, one result), `state` (the stored merge
  state), `local_changes` (saved edits become changes), `writing` (merged households written in
  bulk), `payload` and `signed_files` (the files), `labels` (words for the screens).
"""
