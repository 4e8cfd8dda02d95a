"""The product's fixed vocabulary: roles, owners, rule types and kinds, reserved columns.

Defined once here, in the lowest room; the loader validates files against it, the engine
implements exactly the rule types listed, and every page, PDF and CLI table takes its
labels from here.
"""

from __future__ import annotations

from types import MappingProxyType

ROLE_LABELS = MappingProxyType({
    "ceo": "CEO / founder / managing director",
    "leader": "Sales leader (VP, head of sales)",
    "manager": "Sales manager / team lead",
    "rep": "Sales rep / account executive",
    "support": "Sales support / customer success",
    "marketing": "Marketing",
    "operations": "Operations / delivery",
    "other": "Other",
})
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)
# Short forms for tables and charts, where the long label does not fit.
ROLE_SHORT = MappingProxyType({
    "ceo": "CEO", "leader": "Sales leaders", "manager": "Sales managers", "rep": "Sales reps",
    "support": "Sales support", "marketing": "Marketing", "operations": "Operations",
    "other": "Other roles",
})

OWNER_LABELS = MappingProxyType({
    "ceo": "CEO",
    "sales_leader": "Sales leader",
    "sales_ops": "Sales operations",
    "hr": "HR / people",
    "marketing": "Marketing",
})
OWNERS: tuple[str, ...] = tuple(OWNER_LABELS)
HORIZONS: tuple[int, ...] = (30, 60, 90)
AUDIENCES: tuple[str, ...] = ("team", "ceo")

GROUP_KEYS: tuple[str, ...] = ("bucket", "culprit", "foundation", "process")
FIXED_DIMENSIONS: tuple[str, ...] = (
    "bucket.target_market",
    "bucket.sales_effectiveness",
    "bucket.sales_operations",
    "bucket.talent",
    "bucket.marketing",
    "culprit.culture",
    "culprit.vision_values",
    "culprit.sales_leadership",
    "culprit.non_sales_work",
    "culprit.handoffs",
    "foundation.belief",
    "foundation.desire",
    "foundation.competency",
    "foundation.execution",
)

# Root-cause kinds, in the domain's order of importance: context (the ecosystem, the
# process through it, the culture around it) before people, then differences of view.
KIND_LABELS = MappingProxyType({
    "ecosystem": "Sales ecosystem",
    "process": "Sales process",
    "culprit": "Culture culprit",
    "foundation": "Foundation ladder",
    "gap": "Perception gap",
    "agreement": "Disagreement",
})
KINDS: tuple[str, ...] = tuple(KIND_LABELS)
CONTEXT_KINDS: tuple[str, ...] = ("ecosystem", "process", "culprit")

# Rule type -> the kinds a rule of that type may have (the engine implements each type).
RULE_TYPES = MappingProxyType({
    "foundation_ladder": ("foundation",),
    "individuals_last": ("foundation",),
    "ecosystem_before_people": ("ecosystem",),
    "weak_dimension": ("ecosystem", "process", "culprit"),
    "item_threshold": ("process", "culprit", "ecosystem"),
    "trust_before_enforcement": ("process",),
    "pair_gap": ("culprit", "process", "ecosystem"),
    "blame_the_reps": ("gap",),
    "perception_gap": ("gap",),
    "disagreement": ("agreement",),
})

# Columns of the answers CSV that are not questions.
META_COLUMNS: tuple[str, ...] = ("respondent", "role", "team", "duration_seconds")
# The CSV (and stored) value of a "Don't know" answer on a scale that offers one.
DONT_KNOW = "dk"
# A response that answers less than this share of the questions asked of its role is
# incomplete: kept, but not counted as a response in rates (and the respondent is warned).
COMPLETE_AT = 0.5
