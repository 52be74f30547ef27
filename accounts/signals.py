"""The accounts app's signal, for what changes in the background without a model signal of its own."""

from django.dispatch import Signal

# Sent when pictures of people from elsewhere were stored, replaced or dropped (accounts/remote_avatars.py),
# in the transaction that recorded it. Arguments: `sender` (the RemoteAvatar class), `avatar_ids` (a set).
# Cache invalidation connects here.
remote_avatars_changed = Signal()
