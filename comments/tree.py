"""A post's comment thread, loaded in display order and assembled into a tree in Python.

Thanks to the materialized path (see models.py), display order is `ORDER BY path`, and one page of
threads is the range of paths from its first thread's root to the next page's first root. Loading a
page costs three queries whatever the number of comments: the thread roots, the approved count, and
the page's comments with their authors. Rendering walks the tree without recursion (see `items`).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Window

from .models import PATH_SEGMENT_WIDTH, Comment

THREADS_PER_PAGE = 50

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
    page_number: int = 1
    num_pages: int = 1
    approved_count: int = 0

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)

    @property
    def previous_page_number(self) -> int | None:
        return self.page_number - 1 if self.page_number > 1 else None

    @property
    def next_page_number(self) -> int | None:
        return self.page_number + 1 if self.page_number < self.num_pages else None


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


def thread_root_paths(post, viewer=None) -> list[str]:
    """Paths of all the post's visible top-level comments, in display order (one query)."""
    return list(visible_roots(post, viewer).values_list("path", flat=True))


def page_of_comment(post, comment_pk, root_paths: list[str], per_page: int = THREADS_PER_PAGE) -> int:
    """The page of threads that holds comment `comment_pk` of this post (one query); 1 if it isn't there."""
    try:
        pk = int(comment_pk)
    except (TypeError, ValueError):
        return 1
    path = post.comments.filter(pk=pk).values_list("path", flat=True).first()
    if not path:
        return 1
    root = path[:PATH_SEGMENT_WIDTH]
    try:
        return root_paths.index(root) // per_page + 1
    except ValueError:
        return 1


def page_window(roots, number: int, per_page: int = THREADS_PER_PAGE) -> tuple[int, int, str | None, str | None]:
    """(number of pages, page number, first root path, next page's first root path) for page `number`.

    One query whatever the number of threads: the page's roots and the next one, each row carrying the
    total count (a window function), so no post loads every root just to count them. A page past the end
    costs one more query and gives the last page.
    """
    first = (number - 1) * per_page
    rows = list(roots.annotate(total=Window(Count("pk"))).values_list("path", "total")[first : first + per_page + 1])
    if not rows:
        if number == 1:
            return 1, 1, None, None
        last = max(1, -(-roots.count() // per_page))
        return page_window(roots, last, per_page) if last < number else (last, last, None, None)
    num_pages = max(1, -(-rows[0][1] // per_page))
    end = rows[per_page][0] if len(rows) > per_page else None
    return num_pages, number, rows[0][0], end


def load_thread(post, *, viewer=None, page=None, comment_pk=None, per_page: int = THREADS_PER_PAGE) -> Thread:
    """One page of the post's visible threads, as a tree (three queries; four with `comment_pk`).

    Visible: approved comments; removed or spam ones that have visible replies, as placeholders; and
    the viewer's own comments awaiting moderation. `comment_pk` picks the page that holds that comment;
    otherwise `page` (a number, or anything, which then means the first page).
    """
    if comment_pk:
        # Finding a comment's page needs every root's position; only links to one comment pay for it.
        root_paths = thread_root_paths(post, viewer)
        num_pages = max(1, -(-len(root_paths) // per_page))
        number = min(max(page_of_comment(post, comment_pk, root_paths, per_page), 1), num_pages)
        first = (number - 1) * per_page
        start = root_paths[first] if root_paths else None
        end = root_paths[first + per_page] if number < num_pages else None
    else:
        try:
            number = max(int(page), 1)
        except (TypeError, ValueError):
            number = 1
        num_pages, number, start, end = page_window(visible_roots(post, viewer), number, per_page)

    rows = post.comments.filter(shown_q(viewer) | Q(status__in=HIDDEN_STATUSES))
    if num_pages > 1:
        if start is not None:
            rows = rows.filter(path__gte=start)
        if end is not None:
            rows = rows.filter(path__lt=end)
    rows = rows.select_related("author").defer("ip_address", "user_agent", "guest_email").order_by("path")
    roots = build_tree(list(rows), viewer=viewer, post=post)
    approved_count = getattr(post, "approved_comment_count", None)
    if approved_count is None:
        approved_count = post.comments.filter(status=Comment.Status.APPROVED).count()
    return Thread(
        post=post,
        roots=roots,
        items=flatten(roots),
        page_number=number,
        num_pages=num_pages,
        approved_count=approved_count,
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
