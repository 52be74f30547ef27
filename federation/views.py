"""Federation's addresses: WebFinger, NodeInfo, the blogs' actors, posts, outboxes, followers and inboxes, and
the owner's fediverse page on the dashboard."""

import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Max
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from posts.models import Blog, Post, was_published_at

from . import documents
from . import inbox as inbox_handling
from .forms import BlockActorForm, FederationSettingsForm
from .keys import actor_for
from .models import BlockedActor, Reaction, RemoteFollower
from .moderation import hide_sent_by
from .negotiation import response_type

User = get_user_model()

OUTBOX_PAGE_SIZE = 20
NODEINFO_CACHE_SECONDS = 3600
JRD = "application/jrd+json"


def federation_on() -> None:
    if not settings.FEDERATION:
        raise Http404("Federation is off on this site.")


def activity_response(request, document: dict, *, content_type: str | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(document), content_type=content_type or response_type(request))
    response["Access-Control-Allow-Origin"] = "*"
    return response


def federated_blog(username: str) -> Blog:
    """The blog of the active user `username` if it is on the fediverse (two queries, the first time a third
    makes its keys); else 404."""
    federation_on()
    blog = get_object_or_404(Blog.objects.select_related("owner"), owner__in=User.objects.named(username))
    if not blog.owner.is_active:
        raise Http404("No such blog.")
    actor = actor_for(blog)
    if not actor.is_federated:
        raise Http404("This blog is not on the fediverse.")
    actor.blog = blog
    return blog


def actor(request, username):
    blog = federated_blog(username)
    return activity_response(request, documents.actor_document(blog.actor))


def article(request, username, year, month, slug):
    blog = federated_blog(username)
    post = documents.federated_posts().filter(author=blog.owner, slug=slug).first()
    if post is None:
        if not was_published_at(username=username, slug=slug):
            raise Http404("No such post.")
        # A post that was public here and is gone (deleted, or a draft again), as ActivityPub says (3.4).
        tombstone = {"@context": documents.AS_CONTEXT, **documents.tombstone(documents.absolute(request.path))}
        response = activity_response(request, tombstone)
        response.status_code = 410
        return response
    document = {"@context": documents.AS_CONTEXT, **documents.article(post)}
    counts = Reaction.objects.counts_for(post)
    url = document["id"]
    document["likes"] = {"id": f"{url}#likes", "type": "Collection", "totalItems": counts[Reaction.Kind.LIKE]}
    document["shares"] = {"id": f"{url}#shares", "type": "Collection", "totalItems": counts[Reaction.Kind.ANNOUNCE]}
    return activity_response(request, document)


@require_safe
def outbox(request, username):
    blog = federated_blog(username)
    posts = documents.federated_posts().filter(author=blog.owner).order_by("-published_at", "-pk")
    me = documents.outbox_id(blog.owner.username)
    if "page" not in request.GET:
        return activity_response(
            request,
            {
                "@context": documents.AS_CONTEXT,
                "id": me,
                "type": "OrderedCollection",
                "totalItems": posts.count(),
                "first": f"{me}?page=1",
            },
        )
    try:
        page = Paginator(posts, OUTBOX_PAGE_SIZE).page(request.GET["page"])
    except InvalidPage:
        raise Http404("No such page.") from None
    document = {
        "@context": documents.AS_CONTEXT,
        "id": f"{me}?page={page.number}",
        "type": "OrderedCollectionPage",
        "partOf": me,
        "orderedItems": [
            documents.activity(
                "Create",
                blog.owner.username,
                documents.article(post),
                activity_id=documents.absolute(post.get_absolute_url()) + "#create",
            )
            for post in page.object_list
        ],
    }
    if page.has_next():
        document["next"] = f"{me}?page={page.next_page_number()}"
    if page.has_previous():
        document["prev"] = f"{me}?page={page.previous_page_number()}"
    return activity_response(request, document)


@require_safe
def followers(request, username):
    blog = federated_blog(username)
    # The count only: who follows a blog is its owner's to see.
    return activity_response(
        request,
        {
            "@context": documents.AS_CONTEXT,
            "id": documents.followers_id(blog.owner.username),
            "type": "OrderedCollection",
            "totalItems": blog.actor.followers.count(),
        },
    )


ACCT = re.compile(r"acct:@?([A-Za-z0-9_-]+)@([^@\s]+)")


@require_safe
def webfinger(request):
    """WebFinger (RFC 7033) for `acct:username@host` or a blog's actor address."""
    federation_on()
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return HttpResponseBadRequest(_("Give the resource to look up: ?resource=acct:username@host"))
    hosts = {urlsplit(documents.base_url()).netloc.lower(), request.get_host().lower()}
    if match := ACCT.fullmatch(resource):
        username, host = match[1], match[2].lower()
        if host not in hosts:
            raise Http404("That account is not on this site.")
    elif resource.startswith(("http://", "https://")):
        parts = urlsplit(resource)
        path = re.fullmatch(r"/@([A-Za-z0-9_-]+)/?", parts.path)
        if parts.netloc.lower() not in hosts or path is None:
            raise Http404("That address is not a blog on this site.")
        username = path[1]
    else:
        return HttpResponseBadRequest(_("The resource must be acct:username@host or a blog's address."))
    blog = federated_blog(username)
    name = blog.owner.username
    me = documents.actor_id(name)
    document = {
        "subject": f"acct:{documents.handle(name)}",
        "aliases": [me],
        "links": [
            {"rel": "self", "type": documents.ACTIVITY_JSON, "href": me},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": me},
        ],
    }
    return activity_response(request, document, content_type=JRD)


@require_safe
def nodeinfo_index(request):
    federation_on()
    href = documents.absolute(reverse("federation:nodeinfo"))
    return activity_response(
        request,
        {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href}]},
        content_type="application/json",
    )


def usage() -> dict:
    """The site's users and posts for NodeInfo, counted at most once an hour (three queries then)."""
    cached = cache.get("federation:nodeinfo-usage")
    if cached is not None:
        return cached
    now = timezone.now()
    authors = User.objects.filter(is_active=True, posts__in=Post.objects.published()).distinct()
    last_post = authors.annotate(last=Max("posts__published_at"))
    counts = {
        "users": {
            "total": authors.count(),
            "activeMonth": last_post.filter(last__gte=now - timezone.timedelta(days=30)).count(),
            "activeHalfyear": last_post.filter(last__gte=now - timezone.timedelta(days=180)).count(),
        },
        "localPosts": Post.objects.published().count(),
    }
    cache.set("federation:nodeinfo-usage", counts, NODEINFO_CACHE_SECONDS)
    return counts


@require_safe
def nodeinfo(request):
    federation_on()
    document = {
        "version": "2.1",
        "software": {"name": "blogsite", "version": "1.0", "homepage": documents.base_url() + "/"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": bool(settings.OPEN_AUTHORING),
        "usage": usage(),
        "metadata": {"nodeName": settings.SITE_NAME},
    }
    return activity_response(
        request,
        document,
        content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
    )


@csrf_exempt
@require_POST
def inbox(request, username):
    blog = federated_blog(username)
    return inbox_handling.receive(request, actor=blog.actor)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def shared_inbox(request):
    if request.method != "POST":
        # The replies inbox of signed-in readers is at /inbox/; the shared inbox only takes deliveries.
        return HttpResponseRedirect(reverse("community:inbox"))
    federation_on()
    return inbox_handling.receive(request, actor=None)


@login_required
def dashboard(request):
    """The owner's fediverse page: the blog's handle, opting out, remote followers and blocked actors."""
    federation_on()
    blog = Blog.objects.get_or_create(owner=request.user)[0]
    actor = actor_for(blog)
    form = FederationSettingsForm(request.POST if request.method == "POST" else None, instance=actor)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Fediverse settings saved."))
        return redirect("federation:dashboard")
    remote_followers = actor.followers.select_related("remote", "remote__instance")[:500]
    context = {
        "form": form,
        "block_form": BlockActorForm(),
        "actor": actor,
        "handle": documents.handle(request.user.username),
        "followers": remote_followers,
        "follower_count": actor.followers.count(),
        "blocks": actor.blocks.all()[:500],
    }
    return render(request, "federation/dashboard.html", context)


@login_required
@require_POST
def block_actor(request):
    federation_on()
    blog = Blog.objects.get_or_create(owner=request.user)[0]
    actor = actor_for(blog)
    form = BlockActorForm(request.POST)
    if form.is_valid():
        uri = form.cleaned_data["uri"]
        BlockedActor.objects.get_or_create(actor=actor, uri=uri)
        RemoteFollower.objects.filter(actor=actor, remote__uri=uri).delete()
        hide_sent_by(uri=uri, blog_owner_id=request.user.pk)
        messages.success(request, _("Blocked: nothing they send reaches this blog any more."))
    else:
        messages.error(request, " ".join(form.errors.get("uri", [_("Give the address of a remote account.")])))
    return redirect("federation:dashboard")


@login_required
@require_POST
def unblock_actor(request, pk):
    federation_on()
    block = get_object_or_404(BlockedActor, pk=pk, actor__blog__owner=request.user)
    block.delete()
    messages.success(request, _("Unblocked."))
    return redirect("federation:dashboard")
