import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from accounts.policy import can_manage_blog, has_verified_email
from accounts.views import verify_email_response
from blogsite.feedgen import Atom1Feed
from blogsite.params import parse_id
from comments.models import Comment
from comments.views import CommentsFeed, client_ip
from posts.models import Post

from . import services, tokens
from .forms import FollowForm, GuestSubscribeForm
from .models import Delivery, Follow, InboxFeed, Notification

INBOX_PAGE_SIZE = 25
COMMENTS_PAGE_SIZE = 20
FEED_SIZE = 50


def get_member(username: str) -> User:
    """The active user with this username in any letter case (one query), or 404."""
    return get_object_or_404(User.objects.named(username), is_active=True)


def _follow_page(request, owner, *, follow_form=None, guest_form=None, error="", status=200):
    user = request.user
    context = {"owner": owner, "is_owner": can_manage_blog(user, owner), "error": error}
    if context["is_owner"]:
        context["follower_count"] = services.follower_count(owner)
    elif user.is_authenticated:
        follow = Follow.objects.filter(follower=user, blog__owner=owner).first()
        context["follow"] = follow
        context["follow_form"] = follow_form or FollowForm(initial={"delivery": follow.delivery} if follow else None)
    else:
        context["guest_form"] = guest_form or GuestSubscribeForm()
    return render(request, "community/follow.html", context, status=status)


@require_http_methods(["GET", "POST"])
def follow(request, username):
    """A blog's follow page: members follow or unfollow (POST), and choose how new posts reach them; the owner
    sees how many follow; visitors are offered to sign in or to subscribe by email."""
    owner = get_member(username)
    if owner.username != username:
        return redirect("community:follow", username=owner.username)
    if request.method == "GET":
        return _follow_page(request, owner)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_verified_email(request.user):
        return verify_email_response(request, purpose="follow a blog")
    if request.POST.get("action") == "unfollow":
        if services.unfollow_blog(follower=request.user, owner=owner):
            messages.success(request, _("You no longer follow %(name)s's blog.") % {"name": owner.name})
        return redirect("community:follow", username=owner.username)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _follow_page(request, owner, follow_form=form, status=400)
    try:
        services.follow_blog(follower=request.user, owner=owner, delivery=form.cleaned_data["delivery"])
    except services.Refused as refusal:
        return _follow_page(request, owner, error=refusal.message, status=refusal.status_code)
    delivery = Delivery(form.cleaned_data["delivery"]).label
    messages.success(
        request, _("You follow %(name)s's blog: %(delivery)s.") % {"name": owner.name, "delivery": delivery}
    )
    return redirect("community:follow", username=owner.username)


@require_POST
def subscribe(request, username):
    """A visitor subscribes an email address to a blog; a confirmation mail goes out, nothing else."""
    owner = get_member(username)
    form = GuestSubscribeForm(request.POST)
    if not form.is_valid():
        return _follow_page(request, owner, guest_form=form, status=400)
    try:
        services.subscribe_guest(
            owner=owner,
            email=form.cleaned_data["email"],
            delivery=form.cleaned_data["delivery"],
            ip_address=client_ip(request),
            base_url=request.build_absolute_uri("/"),
        )
    except services.Refused as refusal:
        form.add_error(None, refusal.message)
        response = _follow_page(request, owner, guest_form=form, status=refusal.status_code)
        if refusal.retry_after:
            response["Retry-After"] = str(refusal.retry_after)
        return response
    return render(request, "community/subscribe_sent.html", {"owner": owner, "email": form.cleaned_data["email"]})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """A guest's confirmation link: GET asks (mail scanners follow links), POST confirms."""
    try:
        tokens.read_confirm_token(token)
        if request.method == "POST":
            guest = services.confirm_guest(token)
            return render(request, "community/confirm.html", {"guest": guest, "done": True})
    except tokens.BadToken as bad:
        return render(request, "community/confirm.html", {"error": bad.message}, status=400)
    except services.Refused as refusal:
        return render(request, "community/confirm.html", {"error": refusal.message}, status=refusal.status_code)
    return render(request, "community/confirm.html", {})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One-click unsubscribe from a blog's mail. GET shows a button; POST (also RFC 8058's) does it. The signed
    token is the credential, so mail clients may POST without a CSRF token."""
    try:
        target = services.describe_unsubscribe(token)
    except tokens.BadToken as bad:
        return render(request, "community/unsubscribe.html", {"error": bad.message}, status=400)
    done = False
    if request.method == "POST":
        services.unsubscribe(token)
        done = True
    return render(request, "community/unsubscribe.html", {"target": target, "done": done or target is None})


@login_required
@require_safe
def inbox(request):
    """The signed-in member's inbox, newest first (two queries a page: the count and the entries)."""
    entries = Notification.objects.filter(recipient=request.user).visible().for_listing()
    page = Paginator(entries, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    feed = InboxFeed.objects.filter(user=request.user).first()
    return render(request, "community/inbox.html", {"page_obj": page, "entries": page.object_list, "feed": feed})


def _back_to_inbox(request):
    page = parse_id(request.POST.get("page", ""))
    url = reverse("community:inbox")
    return redirect(f"{url}?page={page}" if page and page > 1 else url)


@login_required
@require_POST
def mark_read(request, pk):
    if (
        not services.mark_read(user=request.user, pk=pk)
        and not Notification.objects.filter(recipient=request.user, pk=pk).exists()
    ):
        raise Http404("No such entry in your inbox.")
    return _back_to_inbox(request)


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(user=request.user)
    messages.success(
        request, ngettext("%(count)d entry marked read.", "%(count)d entries marked read.", count) % {"count": count}
    )
    return _back_to_inbox(request)


@login_required
@require_POST
def inbox_feed_address(request):
    """Make (or make anew, revoking the old one) the secret address of the inbox feed, or revoke it."""
    if request.POST.get("action") == "revoke":
        services.revoke_inbox_feed(user=request.user)
        messages.success(request, _("Your inbox feed's address no longer works."))
    else:
        services.reset_inbox_feed(user=request.user)
        messages.success(request, _("Your inbox feed has a new secret address; the old one no longer works."))
    return redirect("community:inbox")


@login_required
@require_POST
def claim(request):
    """Claim the imported comments written under one of the member's confirmed addresses."""
    try:
        count = services.claim_comments(user=request.user)
    except services.Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("accounts:profile")
    messages.success(
        request,
        ngettext("%(count)d imported comment is now yours.", "%(count)d imported comments are now yours.", count)
        % {"count": count},
    )
    return redirect("accounts:profile")


class InboxAtomFeed(Feed):
    """A member's inbox as Atom, at a secret address that only they know (and can revoke)."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # One Feed instance serves every request: keep the request on a copy, never on the shared one.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_object(self, request, key):
        feed = InboxFeed.objects.select_related("user").filter(key=key, user__is_active=True).first()
        if feed is None:
            raise Http404("This feed address is not valid: it was revoked or replaced.")
        return feed

    def title(self, feed):
        return _("%(name)s's inbox") % {"name": feed.user.name}

    def link(self, feed):
        return reverse("community:inbox")

    def feed_url(self, feed):
        return feed.get_absolute_url()

    def subtitle(self, feed):
        return _("Replies, comments and new posts from the blogs you follow.")

    def items(self, feed):
        return list(Notification.objects.filter(recipient=feed.user).visible().for_listing()[:FEED_SIZE])

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.comment.body_html if entry.comment_id else entry.post.summary

    def item_link(self, entry):
        return entry.get_absolute_url()

    def item_guid(self, entry):
        # One comment can be two entries (a comment on your post that is also a reply to you): the entry's own id.
        return self.request.build_absolute_uri(reverse("community:inbox") + f"#n{entry.pk}")

    def item_author_name(self, entry):
        return entry.actor.name if entry.actor_id else settings.SITE_NAME

    def item_pubdate(self, entry):
        return entry.created_at

    def item_updateddate(self, entry):
        return entry.created_at


def user_comments_queryset(member):
    """The member's approved comments on public posts, newest first, with their posts (one query a page)."""
    return (
        Comment.objects.approved()
        .filter(author=member, post__in=Post.objects.published())
        .select_related("post", "post__author")
        .defer("ip_address", "user_agent", "guest_email")
        .order_by("-created_at", "-pk")
    )


@require_safe
def user_comments(request, username):
    """A member's public comments, newest first, paginated."""
    member = get_member(username)
    if member.username != username:
        return redirect("community:user_comments", username=member.username, permanent=True)
    page = Paginator(user_comments_queryset(member), COMMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "community/user_comments.html", {"member": member, "page_obj": page, "comments": page.object_list}
    )


class UserCommentsFeed(CommentsFeed):
    """A member's newest public comments as Atom."""

    def get_object(self, request, username):
        return get_member(username)

    def title(self, member):
        return _("Comments by %(name)s") % {"name": member.name}

    def link(self, member):
        return reverse("community:user_comments", kwargs={"username": member.username})

    def feed_url(self, member):
        return reverse("community:user_comments_feed", kwargs={"username": member.username})

    def subtitle(self, member):
        return _("%(name)s's newest comments on the blogs of this site.") % {"name": member.name}

    def items(self, member):
        return list(user_comments_queryset(member)[:FEED_SIZE])
