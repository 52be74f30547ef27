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

from accounts.policy import seen_comments_q, sees_comment
from blogsite.params import parse_id

from .models import PATH_SEGMENT_WIDTH, Comment, path_ids, tree_path

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
    # closes. One loop over this (`comments.rendering.render_items`) writes nested markup at any depth
    # without recursion.
    items: list[tuple[bool, Comment]] = field(default_factory=list)
    # The neighbouring pages, as comment ids: the earlier page ends before `earlier_before` (this page's
    # first comment) and the later one begins with `later_start`; None where there is no such page.
    earlier_before: int | None = None
    later_start: int | None = None
    # The page begins inside a thread: the comments it answers come first, shown again from earlier.
    continued: bool = False
    # The page as a range of paths: its first comment's, and the next page's first (None: the last page).
    first_path: str | None = None
    next_path: str | None = None

    @property
    def has_other_pages(self) -> bool:
        return self.earlier_before is not None or self.later_start is not None


@dataclass(frozen=True)
class PageBounds:
    """A page as a range of paths, from where it begins (a thread's root, or inside a long thread) up to
    where the next page begins."""

    start: str | None = None
    end: str | None = None
    has_earlier: bool = False
    # Found going backwards from `end`: when too long, the page keeps its last comments, not its first.
    backwards: bool = False


def _viewer_id(viewer) -> int | None:
    return viewer.pk if viewer is not None and viewer.is_authenticated else None


def shown_q(viewer) -> Q:
    """Comments a viewer may see the text of (the policy's `can_see_comment`): approved ones, and the viewer's
    own awaiting moderation."""
    return seen_comments_q(_viewer_id(viewer))


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


def comment_path(post, value, *, or_place: bool = False) -> str | None:
    """The path of comment `value` (a query parameter holding an id) on this post (one query), or None.

    With `or_place`, an id that isn't there (a comment deleted since the link to a page was made) still
    names a place in reading order: where it would be as a thread root, which is near where it was.
    """
    pk = parse_id(value)
    if pk is None:
        return None
    path = post.comments.filter(pk=pk).values_list("path", flat=True).first()
    return path or (tree_path(pk) if or_place and pk < 36**PATH_SEGMENT_WIDTH else None)


def _id(path: str) -> int:
    """A comment's id, from the last segment of its path."""
    return path_ids(path)[-1]


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
    """The page that begins at path `start` (the first thread if None), which may be inside a thread.

    One query of at most `per_page + 1` roots, whatever the number of threads: a page takes whole
    threads until it holds `per_page` comments, each thread weighing its root plus its approved replies
    (`thread_reply_count`); the rest of a thread it begins inside of weighs nothing. None when there
    is nothing to show.
    """
    if start is None:
        rows = roots.annotate(earlier=Value(False))
    else:
        rows = roots.filter(path__gte=start).annotate(earlier=Exists(roots.filter(path__lt=start)))
    rows = list(rows.values_list("path", "thread_reply_count", "earlier")[: per_page + 1])
    if not rows:
        # Nothing begins after `start`, but the end of the thread it is in may still be there.
        return PageBounds(start, None, True) if start is not None and len(start) > PATH_SEGMENT_WIDTH else None
    if start is not None and len(start) > PATH_SEGMENT_WIDTH:
        rows.insert(0, (start, 0, True))
    taken = _threads_on_page(rows, per_page)
    return PageBounds(start or rows[0][0], rows[taken][0] if taken < len(rows) else None, rows[0][2])


def page_before(roots, end: str | None, per_page: int = COMMENTS_PER_PAGE) -> PageBounds | None:
    """The page that ends just before path `end` (the last page if None), filled backwards the same way
    as `page_from`; one query. None when nothing comes before it."""
    rows = roots if end is None else roots.filter(path__lt=end)
    rows = list(rows.order_by("-path").values_list("path", "thread_reply_count")[: per_page + 1])
    if not rows:
        return None
    taken = _threads_on_page(rows, per_page)
    return PageBounds(rows[taken - 1][0], end, taken < len(rows), backwards=True)


def find_page(roots, *, start=None, before=None, latest=False, per_page: int = COMMENTS_PER_PAGE) -> PageBounds:
    """The page asked for: from path `start`, before path `before`, the latest, or else the first. Past
    either end, the nearest page that exists."""
    if before is not None or latest:
        page = page_before(roots, before, per_page) or page_from(roots, None, per_page)
    else:
        page = page_from(roots, start, per_page)
        if page is None and start is not None:
            page = page_before(roots, None, per_page)
    return page or PageBounds()


def _as_displayed(comments):
    """Comments with what the thread shows of them: their authors, and not the moderators' fields."""
    return comments.select_related("author", "remote_avatar").defer("ip_address", "user_agent", "guest_email")


def _page_rows(post, viewer, page: PageBounds, limit: int) -> tuple[list[Comment], str | None, bool]:
    """The page's comments in reading order, at most `limit` of them (one query), with the path where
    the next page begins and whether anything comes before. A page that would hold more (one very long
    thread) is cut inside the thread: going forwards after its first `limit` comments, going backwards
    before its last `limit`."""
    rows = post.comments.filter(shown_q(viewer) | Q(status__in=HIDDEN_STATUSES))
    if page.start is not None:
        rows = rows.filter(path__gte=page.start)
    if page.end is not None:
        rows = rows.filter(path__lt=page.end)
    rows = _as_displayed(rows)
    if page.backwards:
        found = list(rows.order_by("-path")[: limit + 1])
        return found[:limit][::-1], page.end, page.has_earlier or len(found) > limit
    found = list(rows.order_by("path")[: limit + 1])
    if len(found) > limit:
        return found[:limit], found[limit].path, page.has_earlier
    return found, page.end, page.has_earlier


def load_thread(
    post,
    *,
    viewer=None,
    start=None,
    before=None,
    latest=False,
    comment_pk=None,
    per_page: int = COMMENTS_PER_PAGE,
    max_per_page: int | None = None,
) -> Thread:
    """One page of the post's visible threads, as a tree.

    Visible: approved comments; removed or spam ones that have visible replies, as placeholders; and
    the viewer's own comments awaiting moderation. Pages are found from where they begin or end, never
    by counting what comes before them, so every page costs the same on a post with any number of
    comments: two queries for the first page, one more to find where another one begins, and one more
    when it begins inside a thread (the comments it answers, shown again above it).

    `start` and `before` are comment ids (query parameters, checked here): the page that begins with
    that comment, or the one that ends just before it; `latest` asks for the last page, and
    `comment_pk` for the page that begins with that comment's thread, or with the comment itself when
    its thread is too long to fit. A page holds about `per_page` comments in whole threads, and never
    more than `max_per_page` (twice `per_page` unless given): a longer thread goes on over the next pages.
    """
    limit = max_per_page or 2 * per_page
    roots = visible_roots(post, viewer)
    target = comment_path(post, comment_pk) if comment_pk else None
    if target:
        start, before, latest = target[:PATH_SEGMENT_WIDTH], None, False
    else:
        start = comment_path(post, start, or_place=True) if start else None
        before = comment_path(post, before, or_place=True) if before else None
    page = find_page(roots, start=start, before=before, latest=latest, per_page=per_page)
    rows, later, has_earlier = _page_rows(post, viewer, page, limit)
    if target and later is not None and target >= later:
        # The comment is further down a long thread than this page goes: begin the page with it.
        page = find_page(roots, start=target, per_page=per_page)
        rows, later, has_earlier = _page_rows(post, viewer, page, limit)
    elif not rows and (start is not None or before is not None):
        page = find_page(roots, latest=True, per_page=per_page)
        rows, later, has_earlier = _page_rows(post, viewer, page, limit)

    earlier_before = _id(rows[0].path) if has_earlier and rows else None
    first_path = rows[0].path if rows else None
    continued = bool(rows) and rows[0].depth > 0
    if continued:
        first = rows[0].path
        prefixes = [first[:end] for end in range(PATH_SEGMENT_WIDTH, len(first), PATH_SEGMENT_WIDTH)]
        rows = list(_as_displayed(post.comments.filter(path__in=prefixes)).order_by("path")) + rows
    tree = build_tree(rows, viewer=viewer, post=post)
    return Thread(
        post=post,
        roots=tree,
        items=flatten(tree),
        earlier_before=earlier_before,
        later_start=_id(later) if later is not None else None,
        continued=continued,
        first_path=first_path,
        next_path=later,
    )


def held_comments(post, viewer, *, first_path: str | None, next_path: str | None):
    """The viewer's comments awaiting moderation on this post whose place is in the page of threads from
    `first_path` up to `next_path` (None: to the end; both None: anywhere), with the names of the comments
    they answer (a queryset: one query)."""
    viewer_id = _viewer_id(viewer)
    if viewer_id is None:
        return Comment.objects.none()
    held = post.comments.filter(status=Comment.Status.PENDING, author_id=viewer_id)
    if first_path is not None:
        held = held.filter(path__gte=first_path)
    if next_path is not None:
        held = held.filter(path__lt=next_path)
    return _as_displayed(held).select_related("parent__author").order_by("path")


def build_tree(rows: list[Comment], *, viewer=None, post=None) -> list[Comment]:
    """Attach each comment to its parent (rows in path order) and keep what the viewer may see.

    Each kept comment gets `children`, `is_placeholder` and `is_awaiting_moderation`. No queries. (The
    links a viewer may use are added to the rendered markup: see `comments.rendering.personalise`.)
    """
    viewer_id = _viewer_id(viewer)
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
        shown = sees_comment(viewer_id, comment)
        if shown or comment.children:
            visible.add(comment.pk)
        comment.is_placeholder = not shown
        comment.is_awaiting_moderation = shown and comment.status == Comment.Status.PENDING
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
