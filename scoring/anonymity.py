"""Which aggregates may be shown without revealing anyone's answers.

Primary suppression hides every group under the threshold k. Complementary
suppression then hides more, smallest first, until what is hidden cannot be recovered
by subtracting the shown groups from the total: the hidden remainder is empty or
holds at least k people.
"""

from __future__ import annotations

from collections.abc import Mapping


def suppressed_keys(counts: Mapping[str, int], k: int,
                    primary: frozenset[str] | set[str] = frozenset()) -> set[str]:
    """Keys to hide so that no hidden group of fewer than k can be derived.

    counts: group -> number of people contributing to the aggregate.
    primary: keys hidden for other reasons (e.g. the whole segment is hidden); their
    counts still belong to the remainder an attacker could compute.
    """
    hidden = {key for key, n in counts.items() if 0 < n < k} | set(primary)
    shown = sorted((key for key in counts if key not in hidden),
                   key=lambda key: (counts[key], key))
    while shown and 0 < sum(counts[key] for key in hidden) < k:
        hidden.add(shown.pop(0))
    return hidden
