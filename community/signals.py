from django.dispatch import Signal

# Sent when inbox entries are added or marked read through bulk writes that model signals don't see.
# Arguments: `sender` (the Notification class), `recipient_ids` (the members whose inboxes changed). The
# cache of each member's unread count listens to this (see pagecache.signals).
inbox_changed = Signal()
