"""The review procedure (Quyết định 24/2021/QĐ-TTg): rounds, per-household steps as a
data-driven state machine (resources/workflow/procedure.json), village meetings, postings,
complaints and re-checks, and the chairman's decision. No Qt."""
