"""The federation app's signal, for what changes without a model signal of its own."""

from django.dispatch import Signal

# Sent when likes and boosts of posts are removed in bulk (an Undo, a block), in the transaction that removed
# them. Arguments: `sender` (the Reaction class), `post_ids` (a set). Cache invalidation connects here.
reactions_changed = Signal()
