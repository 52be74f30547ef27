from django.dispatch import Signal

# Sent when what a page shows of some pictures changes: their renditions were made, or they are about to be
# deleted (sent before the rows go, inside the transaction). Arguments: `sender` (the Picture class),
# `picture_ids` (a set). The page cache connects here to move on the pages of the posts that show them.
pictures_changed = Signal()
