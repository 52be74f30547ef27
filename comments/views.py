from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from accounts.policy import can_comment, can_edit_comment, can_remove_comment, can_see_comment
from accounts.views import verify_email_response
from blogsite.feedgen import Atom1Feed
from posts.models import Blog, Post

from . import notifications, services
from .forms import CommentEditForm, CommentForm
from .models import HELD_NOTICE, Comment

# The session key of the message about a comment just posted; the comments' template tag reads it.
NOTICE_SESSION_KEY = "comment_notice"


def get_public_post(username, year, month, slug) -> Post:
    """The published post at a permalink, with its author (one query), or 404."""
    return get_object_or_404(
        Post.objects.published().published_in(year, month).select_related("author"),
        author__in=User.objects.named(username),
        slug=slug,
    )


def get_public_comment(pk) -> Comment:
    """A comment on a public post, with its post and the post's author, or 404."""
    comment = get_object_or_404(Comment.objects.select_related("author", "post", "post__author"), pk=pk)
    if not comment.post.is_public:
        raise Http404("No such comment.")
    return comment


def comment_url(comment: Comment) -> str:
    """Where a comment shows: its post's page that holds it, scrolled to it."""
    query = urlencode({"comment": comment.pk})
    return f"{comment.post.get_absolute_url()}?{query}#c{comment.pk}"


def create_url(post: Post) -> str:
    return reverse("comments:create", kwargs=post.permalink_kwargs())


def client_ip(request) -> str | None:
    """The reader's address as allauth reads it for its own limits: behind `TRUSTED_PROXY_COUNT` proxies,
    from X-Forwarded-For; otherwise the connection's."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def _form_page(request, *, post, form, parent=None, status=400, error=None):
    if error:
        form.add_error(None, error)
    return render(
        request,
        "comments/comment_form.html",
        {
            "post": post,
            "form": form,
            "parent": parent,
            "can_comment": True,
            "comments_open": True,
            "form_action": create_url(post),
        },
        status=status,
    )


def _refuse_unless_commenter(request, next_url):
    if not request.user.is_authenticated:
        return redirect_to_login(next_url)
    if not can_comment(request.user):
        return verify_email_response(request, purpose="comment")
    return None


@require_POST
def create(request, username, year, month, slug):
    """Post a comment or a reply to the post at this permalink."""
    post = get_public_post(username, year, month, slug)
    refusal = _refuse_unless_commenter(request, post.get_absolute_url())
    if refusal:
        return refusal
    form = CommentForm(request.POST, post=post)
    if not form.is_valid():
        return _form_page(request, post=post, form=form, parent=form.parent_comment)
    try:
        comment = services.post_comment(
            post=post,
            author=request.user,
            body=form.cleaned_data["body"],
            parent=form.parent_comment,
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            base_url=request.build_absolute_uri("/"),
        )
    except services.DuplicateComment as refusal:
        if refusal.existing is not None:
            messages.info(request, _("You already posted that comment; here it is."))
            refusal.existing.post = post
            return redirect(comment_url(refusal.existing))
        return _form_page(request, post=post, form=form, parent=form.parent_comment, status=409, error=refusal.message)
    except services.CommentRefused as refusal:
        response = _form_page(
            request,
            post=post,
            form=form,
            parent=form.parent_comment,
            status=refusal.status_code,
            error=refusal.message,
        )
        if isinstance(refusal, services.RateLimited):
            response["Retry-After"] = str(refusal.retry_after)
        return response
    leave_comment_notice(request, comment)
    return redirect(comment_url(comment))


def leave_comment_notice(request, comment: Comment) -> None:
    """Say how a just-posted comment fared, shown once beside the comment itself (see `take_comment_notice`),
    where the reader is looking, rather than at the top of the page."""
    if comment.status == Comment.Status.PENDING:
        reason = Comment.HeldReason(comment.held_reason) if comment.held_reason else None
        text = str(HELD_NOTICE[reason])
    else:
        text = _("Your comment is published.")
    request.session[NOTICE_SESSION_KEY] = {"post": comment.post_id, "comment": comment.pk, "text": text}


def reply(request, pk):
    """A page to reply to one comment, for readers without JavaScript: the comment quoted, then the form."""
    parent = get_public_comment(pk)
    if parent.status != Comment.Status.APPROVED:
        raise Http404("That comment can't be replied to.")
    post = parent.post
    form = CommentForm(initial={"parent": parent.pk}, post=post)
    return render(
        request,
        "comments/comment_form.html",
        {
            "post": post,
            "form": form,
            "parent": parent,
            "can_comment": can_comment(request.user),
            "comments_open": services.comments_are_open(post),
            "form_action": create_url(post),
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request, pk):
    """Edit one's own comment."""
    comment = get_public_comment(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_edit_comment(request.user, comment) or comment.status not in (
        Comment.Status.APPROVED,
        Comment.Status.PENDING,
    ):
        raise PermissionDenied(_("Only a comment's author can edit it."))
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_comment(comment=comment, user=request.user, body=form.cleaned_data["body"])
            except services.CommentRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                if comment.status == Comment.Status.PENDING:
                    messages.success(request, _("Your comment is saved and awaits the blog author's approval."))
                else:
                    messages.success(request, _("Your comment is saved."))
                return redirect(comment_url(comment))
        status = 400
    return render(request, "comments/comment_edit.html", {"comment": comment, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """Remove a comment: its author, the post's author or staff. GET asks for confirmation."""
    comment = get_public_comment(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if comment.status in (Comment.Status.REMOVED, Comment.Status.SPAM):
        raise Http404("That comment was already removed.")
    if not can_remove_comment(request.user, author_id=comment.author_id, post=comment.post):
        raise PermissionDenied(_("You can't remove this comment."))
    if request.method == "POST":
        services.delete_comment(comment=comment, user=request.user)
        messages.success(request, _("The comment was removed."))
        return redirect(comment.post.get_absolute_url() + "#comments")
    return render(request, "comments/comment_confirm_delete.html", {"comment": comment})


def locate(request, pk):
    """Send the reader to the page of threads that holds a comment, scrolled to it."""
    comment = get_public_comment(pk)
    placeholder = comment.status != Comment.Status.APPROVED and comment.replies.approved().exists()
    if not can_see_comment(request.user, comment) and not placeholder:
        raise Http404("No such comment.")
    return redirect(comment_url(comment))


class CommentsFeed(Feed):
    """An Atom feed whose entries are comments, each with its post loaded; subclasses choose which."""

    feed_type = Atom1Feed

    def item_title(self, comment):
        return _("%(name)s on “%(title)s”") % {"name": comment.author_name, "title": comment.post.title}

    def item_description(self, comment):
        return comment.body_html

    def item_link(self, comment):
        # Made absolute by the feed, and the entry's <id> too: the comment's permalink.
        return comment.get_absolute_url()

    def item_author_name(self, comment):
        return comment.author_name

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at


class PostCommentsFeed(CommentsFeed):
    """A post's approved comments, newest first, as Atom."""

    limit = 50

    def get_object(self, request, username, year, month, slug):
        return get_public_post(username, year, month, slug)

    def get_feed(self, post, request):
        # The comments are read beside a post written in its blog's language, and the feed says that language
        # (Atom's xml:lang). On this request's feed, not on `self`: one Feed serves every request.
        feed = super().get_feed(post, request)
        feed.feed["language"] = Blog.of(post.author).language_code
        return feed

    def title(self, post):
        return _("Comments on “%(title)s”") % {"title": post.title}

    def link(self, post):
        return post.get_absolute_url() + "#comments"

    def feed_url(self, post):
        return post.get_comments_feed_url()

    def subtitle(self, post):
        return _("Readers' comments on %(author)s's post “%(title)s”.") % {
            "author": post.author.name,
            "title": post.title,
        }

    def items(self, post):
        comments = list(post.comments.approved().select_related("author").order_by("-created_at", "-pk")[: self.limit])
        for comment in comments:
            comment.post = post
        return comments


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop one kind of notification email. GET shows a confirm button; POST (also RFC 8058's) does it.

    The signed token is the credential, so mail clients may POST without a CSRF token.
    """
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    user, kind = found
    done = False
    if request.method == "POST":
        notifications.unsubscribe(user, kind)
        done = True
    return render(request, "comments/unsubscribe.html", {"kind": kind, "done": done, "recipient": user})
