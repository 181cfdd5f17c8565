"""Order by a `position` column: moving one item up or down, and where a new item goes.

Library sections and Value Codes and a diagnostic's Value Codes are all ordered this way;
this is the one implementation they share.
"""

from django.db.models import Max


def move(items, pk, offset):
    """Renumber `items` (rows of one model, locked and in their current order) 0..n-1 with
    the one whose pk is `pk` moved by `offset` places, clamped at either end; returns it.
    Only rows whose position changes are written."""
    index = next(i for i, item in enumerate(items) if item.pk == pk)
    target = min(max(index + offset, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        type(items[0]).objects.bulk_update(changed, ["position"])
    return items[target]


def move_within(siblings, item, offset):
    """Move `item` by `offset` places among `siblings` (a queryset holding it), locking them
    for the transaction the caller is in; returns the item."""
    items = list(siblings.select_for_update().order_by("position", "id"))
    return move(items, item.pk, offset)


def offset(post):
    """-1 for an "up" button, else +1: the direction field of every move form."""
    return -1 if post.get("direction") == "up" else 1


def next_position(queryset):
    """The position after the last of `queryset`: 0 for the first item."""
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1
