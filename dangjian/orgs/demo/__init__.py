"""Deterministic demo data: a county or a city of party organisations and members.

The work is split in two so the randomness can be tested without a database:

- ``generate.build_plan`` draws the whole dataset from ``random.Random(seed)`` into plain objects
  (``plan.OrgSpec``, ``plan.MemberSpec``…). Every date is drawn relative to a fixed reference date
  (``scales.ANCHOR``, 2026-11-01, overridable), never ``date.today()``, so a seed gives the same data
  on any day. The price: the warnings that depend on today (terms expiring, 预备期) drift as real time
  moves past the reference date.
- ``store.save_plan`` writes the plan with ``bulk_create`` in batches: materialised paths are computed
  in the plan, not allocated row by row, and no per-row history is written (one ChangeRecord notes
  the load).
"""

from dangjian.core.registry import register_demo

from .steps import count, generate, wipe

# The tree and its members come first: every other app's demo records hang from them.
register_demo("orgs", generate, wipe=wipe, count=count, label="党组织和党员")
