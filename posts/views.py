import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.policy import BLOGGERS_GROUP, can_edit_post, can_see_post, can_write, has_verified_email
from accounts.views import verify_email_response
from blogsite.versions import blog_scope, remember

from . import editor, services
from .forms import BlogSettingsForm, PostForm
from .models import Blog, Label, Post, show_times_for, was_published_at
from .search import facets, search_posts

User = get_user_model()

PAGE_SIZE = 10


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def canonical_redirect(request, **changes):
    """A permanent redirect to the same view with some URL parts replaced (the username's spelling…)."""
    match = request.resolver_match
    url = reverse(f"{match.namespace}:{match.url_name}", kwargs={**match.kwargs, **changes})
    if request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    return HttpResponsePermanentRedirect(url)


def get_blogger(username: str):
    """The active user with this username, whatever its case, with their blog (one query); else 404."""
    return get_object_or_404(User.objects.select_related("blog").named(username), is_active=True)


def find_label(text: str) -> Label:
    """The label with this slug, or else the one this name or spelling would have (`Small Victories`,
    `small victories` → `small-victories`); else 404."""
    label = Label.objects.filter(slug=text).first()
    if label is None:
        label = get_object_or_404(Label, slug=services.label_slug(text))
    return label


@require_safe
def front_page(request):
    page = _page(request, Post.objects.published().for_listing())
    return render(request, "posts/front_page.html", {"page_obj": page, "posts": page.object_list})


def _blog_context(request, author) -> dict:
    """What every page of a blog shows around its posts: the blog, the archive tree, the labels (2 queries).
    Times on the page are in the reader's zone, else the blog's."""
    public = Post.objects.published().by(author)
    blog = Blog.of(author)
    show_times_for(request.user, author)
    return {
        "author": author,
        "blog": blog,
        "content_language": blog.language_code,
        "archive": public.archive_tree(),
        "blog_labels": Label.objects.with_counts_for(public),
    }


@require_safe
def blog_home(request, username, year=None, month=None):
    author = get_blogger(username)
    if author.username != username:
        return canonical_redirect(request, username=author.username)
    posts = Post.objects.published().by(author)
    period = None
    if year is not None:
        if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
            raise Http404("No such archive.")
        posts = posts.published_in(year, month)
        period = datetime.date(year, month or 1, 1)
    page = _page(request, posts.for_listing())
    if not page.object_list and not _may_be_empty(request, author, year, month):
        raise Http404("No posts here.")
    context = {
        **_blog_context(request, author),
        "page_obj": page,
        "posts": page.object_list,
        "archive_year": year,
        "archive_month": month,
        "period": period,
    }
    return render(request, "posts/blog.html", context)


def _may_be_empty(request, author, year, month) -> bool:
    """Whether a blog page with no posts is still a page: the current month's archive (its posts are
    still to come), and a blog's home for its owner, who is about to write. Any other empty archive is
    not found, rather than an empty page that search engines would index."""
    if year is None:
        return request.user == author
    now = timezone.localtime(timezone=timezone.get_default_timezone())
    return (year, month) == (now.year, now.month)


@require_safe
def label_posts(request, username, label):
    author = get_blogger(username)
    if author.username != username:
        return canonical_redirect(request, username=author.username)
    label_obj = find_label(label)
    if label_obj.slug != label:
        return canonical_redirect(request, label=label_obj.slug)
    page = _page(request, Post.objects.published().by(author).filter(labels=label_obj).for_listing())
    if not page.object_list:
        raise Http404("No posts with this label on this blog.")
    context = {**_blog_context(request, author), "label": label_obj, "page_obj": page, "posts": page.object_list}
    return render(request, "posts/blog.html", context)


def _get_post_for(request, username, slug, *, cached: bool = False) -> Post:
    """The post by that author with that slug if this user may see it (its author and staff see drafts).

    One query. With `cached`, for reading only, none while neither the blog nor anything every page shows
    (a name, a scheduled post falling due) has changed since someone last looked it up: the post is kept
    under their versions (see blogsite/versions.py). An editor always reads the row itself."""

    def find() -> Post | None:
        return (
            Post.objects.select_related("author", "author__blog")
            .filter(author__in=User.objects.named(username), slug=slug)
            .first()
        )

    post = remember(f"post:{username.lower()}:{slug}", (blog_scope(username),), find) if cached else find()
    if post is None or not can_see_post(request.user, post):
        raise Http404("No such post.")
    return post


def _share_image_url(post: Post) -> str:
    """The picture link previews show for a post: its cover, else its author's avatar, else the site's."""
    if post.cover:
        return post.cover.url
    if post.author.avatar:
        return post.author.avatar.url
    return static("img/og-default.png")


@require_safe
def post_detail(request, username, year, month, slug):
    try:
        post = _get_post_for(request, username, slug, cached=True)
    except Http404:
        if was_published_at(username=username, slug=slug):
            # Webmention receivers and fediverse servers take 410 for "deleted", and readers learn it too.
            return render(request, "posts/post_gone.html", status=410)
        raise
    canonical = post.permalink_kwargs()
    if (username, year, month) != (canonical["username"], canonical["year"], int(canonical["month"])):
        return canonical_redirect(request, **canonical)
    blog = Blog.of(post.author)
    show_times_for(request.user, post.author)
    # The labels and the neighbours are looked up (three queries) only when the page's body is rendered,
    # not when it comes from the cache (`{% cache_post %}`).
    context = {
        "post": post,
        "labels": SimpleLazyObject(lambda: list(post.labels.all())),
        "blog": blog,
        "content_language": blog.language_code,
        "previous_post": SimpleLazyObject(lambda: _neighbour(post, older=True)),
        "next_post": SimpleLazyObject(lambda: _neighbour(post, older=False)),
        "can_edit": can_edit_post(request.user, post),
        "canonical_url": request.build_absolute_uri(post.get_absolute_url()),
        "cover_url": request.build_absolute_uri(post.cover.url) if post.cover else "",
        "og_image_url": request.build_absolute_uri(_share_image_url(post)),
    }
    return render(request, "posts/post_detail.html", context)


def _neighbour(post: Post, *, older: bool) -> Post | None:
    """The blog's public post just before (`older`) or after this public one, if any (one query)."""
    if not post.is_public:
        return None
    public = (
        Post.objects.published()
        .by(post.author)
        .select_related("author")
        .only("title", "slug", "published_at", "created_at", "author__username")
    )
    if older:
        before = Q(published_at__lt=post.published_at) | Q(published_at=post.published_at, pk__lt=post.pk)
        return public.filter(before).order_by("-published_at", "-pk").first()
    after = Q(published_at__gt=post.published_at) | Q(published_at=post.published_at, pk__gt=post.pk)
    return public.filter(after).order_by("published_at", "pk").first()


def _refuse_writing(request):
    """The page that tells a signed-in user why they may not write, and what to do about it."""
    if not has_verified_email(request.user):
        return verify_email_response(request, purpose="write posts")
    return render(request, "posts/cannot_write.html", {"bloggers_group": BLOGGERS_GROUP}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def write(request):
    if not can_write(request.user):
        return _refuse_writing(request)
    show_times_for(request.user, request.user)
    if request.method == "POST" and "preview" in request.POST:
        form, preview_html = editor.preview_form(request, post=None)
        return editor.editor_page(request, form=form, post=None, preview_html=preview_html)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.create_post(author=request.user, editor=request.user, **form.service_kwargs())
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            services.discard_autosave(author=request.user, post=None)
            messages.success(request, _saved_message(post))
            return redirect(post.get_absolute_url())
    elif request.method == "GET":
        form = editor.autosave_form(request, post=None) or form
    return editor.editor_page(request, form=form, post=None)


def _add_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _saved_message(post: Post) -> str:
    if post.status == Post.Status.DRAFT:
        return gettext("Draft saved. Only you can see it.")
    if not post.is_public:
        when = date_format(timezone.localtime(post.published_at), "DATETIME_FORMAT")
        return gettext("Scheduled: the post will appear on %(when)s.") % {"when": when}
    return gettext("Published.")


def _editable_post(request, username, slug) -> Post:
    post = _get_post_for(request, username, slug)
    if not can_edit_post(request.user, post):
        raise PermissionDenied(gettext("Only the post's author may change it."))
    return post


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, username, year, month, slug):
    post = _editable_post(request, username, slug)
    show_times_for(request.user, request.user)
    if request.method == "POST" and "preview" in request.POST:
        form, preview_html = editor.preview_form(request, post=post)
        return editor.editor_page(request, form=form, post=post, preview_html=preview_html)
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES, post=post)
        if form.is_valid():
            try:
                post = services.update_post(post=post, editor=request.user, **form.service_kwargs())
            except ValidationError as error:
                _add_service_errors(form, error)
                post.refresh_from_db()  # the page shows the post as it still is, not the refused change
            else:
                services.discard_autosave(author=request.user, post=post)
                messages.success(request, _saved_message(post))
                return redirect(post.get_absolute_url())
    else:
        form = editor.autosave_form(request, post=post) or PostForm(initial=PostForm.initial_for(post), post=post)
    return editor.editor_page(request, form=form, post=post)


@login_required
@require_safe
def history(request, username, year, month, slug):
    """A post's revisions and the difference between two (`posts.editor.history`)."""
    return editor.history(request, _editable_post(request, username, slug))


@login_required
@require_POST
def restore_revision(request, username, year, month, slug, revision_id):
    """Restores one of the post's revisions (`posts.editor.restore`)."""
    return editor.restore(request, _editable_post(request, username, slug), revision_id)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, username, year, month, slug):
    post = _editable_post(request, username, slug)
    if request.method == "POST":
        services.delete_post(post=post, user=request.user)
        messages.success(request, gettext("“%(title)s” was deleted.") % {"title": post.title})
        return redirect("posts:dashboard")
    return render(request, "posts/post_confirm_delete.html", {"post": post})


@login_required
@require_safe
def dashboard(request):
    user = request.user
    show_times_for(user, user)
    mine = Post.objects.by(user).select_related("author")
    now = timezone.now()
    context = {
        "blog": Blog.of(user),
        "drafts": mine.filter(status=Post.Status.DRAFT).order_by("-updated_at"),
        "scheduled": mine.filter(status=Post.Status.SCHEDULED, published_at__gt=now).order_by("published_at"),
        "published": _page(request, mine.published().order_by("-published_at", "-pk"), size=25),
        "may_write": can_write(user),
    }
    return render(request, "posts/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def blog_settings(request):
    blog = Blog.of(request.user)
    form = BlogSettingsForm(request.POST or None, instance=blog)
    if request.method == "POST" and form.is_valid():
        services.save_blog_settings(form=form)
        messages.success(request, gettext("Blog settings saved."))
        return redirect("posts:dashboard")
    return render(request, "posts/blog_settings.html", {"form": form, "blog": blog})


@require_safe
def search(request):
    """Search over every blog, or one (`?blog=<username>`), and one label (`?label=<slug>`)."""
    query = request.GET.get("q", "")
    blog = label = None
    if username := request.GET.get("blog", "").strip():
        blog = User.objects.filter(is_active=True).named(username).first()
    if slug := request.GET.get("label", "").strip():
        label = Label.objects.filter(slug=slug).first()
    unknown_filter = bool(request.GET.get("blog", "").strip() and blog is None) or bool(
        request.GET.get("label", "").strip() and label is None
    )
    results = search_posts("" if unknown_filter else query, blog=blog, label=label)
    page = _page(request, results.posts)
    context = {
        "query": results.query,
        "page_obj": page,
        "results": results.with_snippets(page.object_list),
        "count": page.paginator.count,
        "partial": results.partial,
        "suggestions": results.suggestions,
        "within_blog": blog,
        "within_label": label,
        "unknown_filter": unknown_filter,
        "facets": facets(results.posts) if page.paginator.count and results.query else {},
    }
    return render(request, "posts/search.html", context)
