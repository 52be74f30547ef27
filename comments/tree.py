"""A post's comment thread, loaded in display order and assembled into a tree in Python.

Thanks to the materialized path (see models.py), display order is `ORDER BY path`, and one page of
threads is the range of paths from its first thread's root to the next page's first root. Pages are
reached from a neighbour (the thread they start at, or the one they end before) rather than by number,
so that no page has to count what comes before it. Loading a page costs two queries whatever the
number of comments: the page's thread roots (see `page_from`) and the page's comments with their authors;
the post stores its approved count. Rendering walks the tree without recursion (see `items`).
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Value

from .models import PATH_SEGMENT_WIDTH, Comment, path_segment

# Comments a page of threads holds, about: Blogger's number (see `page_from`).
COMMENTS_PER_PAGE = 200

# Statuses whose comments never show their text but may stand as a placeholder above visible replies.
HIDDEN_STATUSES = (Comment.Status.REMOVED, Comment.Status.SPAM)


@dataclass
class Thread:
    """One page of a post's comment threads."""

    post: object
    roots: list[Comment]
    # The tree as a flat list of (is_opening, comment): each comment opens, then its replies, then it
    # closes. A template loop over this renders nested markup at any depth without recursion.
    items: list[tuple[bool, Comment]] = field(default_factory=list)
    approved_count: int = 0
    # The neighbouring pages, as thread-root ids: the earlier page ends before `earlier_before` (this
    # page's first thread) and the later one starts at `later_start`; None where there is no such page.
    earlier_before: int | None = None
    later_start: int | None = None

    @property
    def has_other_pages(self) -> bool:
        return self.earlier_before is not None or self.later_start is not None


@dataclass(frozen=True)
class PageBounds:
    """A page as a range of paths: from its first thread's root up to the next page's first root."""

    start: str | None = None
    end: str | None = None
    has_earlier: bool = False


def _viewer_id(viewer) -> int | None:
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


def shown_q(viewer) -> Q:
    """Comments a viewer may see the text of: approved ones, and the viewer's own awaiting moderation."""
    q = Q(status=Comment.Status.APPROVED)
    viewer_id = _viewer_id(viewer)
    if viewer_id is not None:
        q |= Q(status=Comment.Status.PENDING, author_id=viewer_id)
    return q


def visible_roots(post, viewer=None):
    """The post's top-level comments that show for the viewer, in display order (a queryset).

    A removed or spam root counts when it has replies that may keep it as a placeholder (looked up by
    parent, which is indexed; a subtree of nothing but removed replies then renders as an empty slot).
    """
    reply = Comment.objects.filter(parent_id=OuterRef("pk")).filter(
        Q(status=Comment.Status.APPROVED) | Q(status__in=HIDDEN_STATUSES)
    )
    roots = post.comments.filter(depth=0).filter(shown_q(viewer) | Q(status__in=HIDDEN_STATUSES) & Exists(reply))
    return roots.order_by("path")


def root_path(value) -> str | None:
    """The path of the thread root with id `value` (a query parameter), or None if it isn't an id."""
    if not isinstance(value, str) or not value.isdigit() or len(value) > 12:
        return None
    return path_segment(int(value)) if int(value) else None


def _threads_on_page(rows, per_page: int) -> int:
    """How many of `rows` ((path, replies, …) in reading order) a page takes: threads until it holds
    `per_page` comments; at least one."""
    size = 0
    for taken, (_, replies, *_) in enumerate(rows):
        if size >= per_page:
            return taken
        size += replies + 1
    return len(rows)


def page_from(roots, start: str | None, per_page: int = COMMENTS_PER_PAGE) -> PageBounds | None:
    """The page that begins at the first thread from path `start` on (from the first thread if None).

    One query of at most `per_page + 1` roots, whatever the number of threads: a page takes whole
    threads until it holds `per_page` comments, each thread weighing its root plus its approved replies
    (`thread_reply_count`). None when no thread starts there.
    """
    if start is None:
        rows = roots.annotate(earlier=Value(False))
    else:
        rows = roots.filter(path__gte=start).annotate(earlier=Exists(roots.filter(path__lt=start)))
    rows = list(rows.values_list("path", "thread_reply_count", "earlier")[: per_page + 1])
    if not rows:
        return None
    taken = _threads_on_page(rows, per_page)
    return PageBounds(rows[0][0], rows[taken][0] if taken < len(rows) else None, rows[0][2])


def page_before(roots, end: str | None, per_page: int = COMMENTS_PER_PAGE) -> PageBounds | None:
    """The page that ends just before the thread at path `end` (the last page if None), filled backwards
    the same way as `page_from`; one query. None when no thread comes before it."""
    rows = roots if end is None else roots.filter(path__lt=end)
    rows = list(rows.order_by("-path").values_list("path", "thread_reply_count")[: per_page + 1])
    if not rows:
        return None
    taken = _threads_on_page(rows, per_page)
    return PageBounds(rows[taken - 1][0], end, taken < len(rows))


def find_page(roots, *, start=None, before=None, latest=False, per_page: int = COMMENTS_PER_PAGE) -> PageBounds:
    """The page asked for: from thread root `start`, before thread root `before`, the latest, or else
    the first. Past either end, the nearest page that exists."""
    if before is not None or latest:
        page = page_before(roots, before, per_page) or page_from(roots, None, per_page)
    else:
        page = page_from(roots, start, per_page)
        if page is None and start is not None:
            page = page_before(roots, None, per_page)
    return page or PageBounds()


def load_thread(
    post, *, viewer=None, start=None, before=None, latest=False, comment_pk=None, per_page: int = COMMENTS_PER_PAGE
) -> Thread:
    """One page of the post's visible threads, as a tree (two queries; three with `comment_pk`).

    Visible: approved comments; removed or spam ones that have visible replies, as placeholders; and
    the viewer's own comments awaiting moderation. Pages are found from where they begin or end, never
    by counting what comes before them, so every page costs the same on a post with any number of
    comments: `start` / `before` are thread-root ids (query parameters, checked here), `latest` asks for
    the last page, and `comment_pk` for the page that begins with that comment's thread.
    """
    roots = visible_roots(post, viewer)
    start, before = root_path(start), root_path(before)
    if comment_pk:
        try:
            path = post.comments.filter(pk=int(comment_pk)).values_list("path", flat=True).first()
        except (TypeError, ValueError):
            path = None
        if path:
            start, before, latest = path[:PATH_SEGMENT_WIDTH], None, False
    page = find_page(roots, start=start, before=before, latest=latest, per_page=per_page)

    rows = post.comments.filter(shown_q(viewer) | Q(status__in=HIDDEN_STATUSES))
    if page.start is not None:
        rows = rows.filter(path__gte=page.start)
    if page.end is not None:
        rows = rows.filter(path__lt=page.end)
    rows = rows.select_related("author").defer("ip_address", "user_agent", "guest_email").order_by("path")
    tree = build_tree(list(rows), viewer=viewer, post=post)
    return Thread(
        post=post,
        roots=tree,
        items=flatten(tree),
        approved_count=post.approved_comment_count,
        earlier_before=int(page.start, 36) if page.has_earlier else None,
        later_start=int(page.end, 36) if page.end is not None else None,
    )


def build_tree(rows: list[Comment], *, viewer=None, post=None) -> list[Comment]:
    """Attach each comment to its parent (rows in path order) and keep what the viewer may see.

    Each kept comment gets `children`, `is_placeholder` and `is_awaiting_moderation`, and the viewer's
    `can_edit` / `can_remove` / `can_reply`. No queries.
    """
    viewer_id = _viewer_id(viewer)
    is_staff = bool(viewer_id and viewer.is_staff)
    post_author_id = post.author_id if post is not None else None
    by_path: dict[str, Comment] = {}
    attached: list[Comment] = []
    roots: list[Comment] = []
    for comment in rows:
        comment.children = []
        if not comment.path:
            continue
        if comment.depth == 0:
            roots.append(comment)
        else:
            parent = by_path.get(comment.path[:-PATH_SEGMENT_WIDTH])
            if parent is None:
                # Under a comment the viewer doesn't get to see at all: hidden with it.
                continue
            parent.children.append(comment)
        by_path[comment.path] = comment
        attached.append(comment)

    # Children come after their parents in path order, so walking backwards settles every reply
    # before the comment it answers.
    visible: set[int] = set()
    for comment in reversed(attached):
        comment.children = [c for c in comment.children if c.pk in visible]
        shown = comment.status == Comment.Status.APPROVED or (
            comment.status == Comment.Status.PENDING and viewer_id is not None and comment.author_id == viewer_id
        )
        if shown or comment.children:
            visible.add(comment.pk)
        comment.is_placeholder = not shown
        comment.is_awaiting_moderation = shown and comment.status == Comment.Status.PENDING
        is_author = viewer_id is not None and comment.author_id == viewer_id
        comment.can_edit = shown and is_author
        comment.can_remove = shown and (
            is_author or is_staff or (viewer_id is not None and viewer_id == post_author_id)
        )
        comment.can_reply = comment.status == Comment.Status.APPROVED
        if post is not None:
            comment.post = post
    return [c for c in roots if c.pk in visible]


def flatten(roots: list[Comment]) -> list[tuple[bool, Comment]]:
    """The tree as (True, comment) on entering a comment and (False, comment) on leaving it."""
    items: list[tuple[bool, Comment]] = []
    stack = [(None, iter(roots))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if node is not None:
                items.append((False, node))
            continue
        items.append((True, child))
        stack.append((child, iter(child.children)))
    return items
