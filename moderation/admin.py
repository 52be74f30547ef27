"""Staff moderation in the admin: the comment queue and the moderation log, and the parts that the post and
user admins (`posts/admin.py`, `accounts/admin.py`) take from here: a post's comments, the ban form, the
reports of what an action did."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from comments.models import Comment
from posts.models import Post

from .models import ModerationEvent
from .services import DONE, moderate_comments

# Enough of a comment to judge it from the queue; the whole text is one click away.
EXCERPT_CHARS = 300
# How many of a post's comments its admin page shows; the rest are one link away, in the queue.
POST_PAGE_COMMENTS = 20


def comment_changelist_url(**filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse("admin:comments_comment_changelist") + (f"?{query}" if query else "")


def report(modeladmin, request, count: int, action: str) -> None:
    level = messages.SUCCESS if count else messages.WARNING
    modeladmin.message_user(request, DONE[action] % {"count": count}, level)


def comment_author_label(comment) -> str:
    if comment.author_id:
        return comment.author.username
    return gettext("%(name)s (guest)") % {"name": comment.guest_name or gettext("Anonymous")}


class CommentModerationForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Moderation decision"),
        required=False,
        choices=[
            ("", _("No change")),
            (ModerationEvent.Action.APPROVE, _("Approve")),
            (ModerationEvent.Action.SPAM, _("Mark as spam")),
            (ModerationEvent.Action.REMOVE, pgettext_lazy("button: remove a comment", "Remove")),
            (ModerationEvent.Action.RESTORE, _("Restore")),
        ],
        help_text=_("Recorded in the moderation log."),
    )

    class Meta:
        model = Comment
        fields = ["decision"]


class StatusFilter(admin.SimpleListFilter):
    """By status, opening on the comments awaiting moderation; "All" lists every status."""

    title = _("status")
    # The name Django's own filter on the field used, so that links to the queue keep working.
    parameter_name = "status__exact"
    ALL = "all"

    def lookups(self, request, model_admin):
        return Comment.Status.choices

    def value(self):
        return super().value() or Comment.Status.PENDING

    def choices(self, changelist):
        for value, label in [*self.lookup_choices, (self.ALL, _("All"))]:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(status=self.value())


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: it opens on the comments awaiting moderation; with "All", those come first,
    then the newest."""

    form = CommentModerationForm
    list_display = ("excerpt", "status", "post_title", "author_label", "ip_address", "created_at", "permalink")
    list_filter = (StatusFilter,)
    list_select_related = ("post__author", "author")
    date_hierarchy = "created_at"
    search_fields = ("body", "author__username", "author__display_name", "guest_name", "guest_email", "=ip_address")
    ordering = (Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)).asc(), "-created_at")
    actions = ("approve", "mark_spam", "remove", "restore")
    fieldsets = (
        (None, {"fields": ("status", "decision")}),
        (_("Comment"), {"fields": ("post", "parent", "author", "guest_name", "guest_email", "guest_url", "body")}),
        (_("Record"), {"fields": ("ip_address", "user_agent", "created_at", "edited_at", "permalink")}),
    )
    readonly_fields = (
        "status",
        "post",
        "parent",
        "author",
        "guest_name",
        "guest_email",
        "guest_url",
        "body",
        "ip_address",
        "user_agent",
        "created_at",
        "edited_at",
        "permalink",
    )

    class Media:
        css = {"all": ["css/admin-comments.css"]}

    # Deleting would tear replies out of their thread and go unrecorded; "remove" keeps the thread and is
    # recorded. The admin offers neither the bulk action nor the delete page. (The delete permission itself
    # stays: deleting a post in the admin takes its comments with it, and checks it.)
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})

    def delete_view(self, request, object_id, extra_context=None):
        raise PermissionDenied(gettext("Comments are removed, not deleted: use the remove action."))

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(EXCERPT_CHARS)

    @admin.display(description=_("post"), ordering="post__title")
    def post_title(self, obj):
        return format_html(
            '<a href="{}">{}</a>', comment_changelist_url(post__id__exact=obj.post_id), Truncator(obj.post).chars(60)
        )

    @admin.display(description=_("author"), ordering="author__username")
    def author_label(self, obj):
        return comment_author_label(obj)

    @admin.display(description=_("on the site"))
    def permalink(self, obj):
        return format_html('<a href="{}">#c{}</a>', obj.get_absolute_url(), obj.pk)

    def save_model(self, request, obj, form, change):
        # Every field is read-only but the decision, which is applied and recorded like the list's actions.
        decision = form.cleaned_data.get("decision")
        if decision:
            current = Comment.objects.get(pk=obj.pk)
            if not moderate_comments(comments=[current], action=decision, moderator=request.user):
                self.message_user(request, gettext("The comment's status was already that."), messages.WARNING)

    def _moderate(self, request, queryset, action):
        count = moderate_comments(
            comments=queryset.only("pk", "post_id", "author_id", "status"), action=action, moderator=request.user
        )
        report(self, request, count, action)

    @admin.action(permissions=["change"], description=_("Approve selected comments"))
    def approve(self, request, queryset):
        self._moderate(request, queryset, ModerationEvent.Action.APPROVE)

    @admin.action(permissions=["change"], description=_("Mark selected comments as spam"))
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, ModerationEvent.Action.SPAM)

    @admin.action(permissions=["change"], description=_("Remove selected comments"))
    def remove(self, request, queryset):
        self._moderate(request, queryset, ModerationEvent.Action.REMOVE)

    @admin.action(permissions=["change"], description=_("Restore selected comments"))
    def restore(self, request, queryset):
        self._moderate(request, queryset, ModerationEvent.Action.RESTORE)


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    """The moderation log: read-only; only a superuser may delete entries."""

    list_display = ("created_at", "moderator", "action", "source", "comment_link", "post", "target_user", "details")
    list_filter = ("action", "source")
    list_select_related = ("moderator", "post", "target_user")
    date_hierarchy = "created_at"
    search_fields = ("moderator__username", "target_user__username", "post__title", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("comment"))
    def comment_link(self, obj):
        if not obj.comment_id:
            return "—"
        url = reverse("admin:comments_comment_change", args=[obj.comment_id])
        return format_html('<a href="{}">#{}</a>', url, obj.comment_id)

    @admin.display(description=_("note"))
    def details(self, obj):
        """The moderator's note; for what a ban or an unban changed, which one and the status before, said
        from the fields in the reader's language (no query: only a ban removes and unpublishes, and only an
        unban restores and republishes, on its own)."""
        if obj.note or not obj.caused_by_id:
            return obj.note
        if obj.action in (ModerationEvent.Action.RESTORE, ModerationEvent.Action.PUBLISH):
            # Translators: in the moderation log, beside a comment restored or a post republished by an unban.
            return gettext("Because of unban #%(unban)d") % {"unban": obj.caused_by_id}
        statuses = Post.Status if obj.post_id and not obj.comment_id else Comment.Status
        status = dict(statuses.choices).get(obj.previous_status, obj.previous_status)
        if obj.previous_publish_at:
            # Translators: in the moderation log, beside a scheduled post that a ban unpublished; %(status)s is
            # its status before ("Scheduled"), %(time)s when it was to appear.
            return gettext("Because of ban #%(ban)d; before: %(status)s for %(time)s") % {
                "ban": obj.caused_by_id,
                "status": status,
                "time": formats.localize(timezone.localtime(obj.previous_publish_at)),
            }
        # Translators: in the moderation log, beside a comment removed or a post unpublished by a ban; %(status)s
        # is its status before.
        return gettext("Because of ban #%(ban)d; before: %(status)s") % {"ban": obj.caused_by_id, "status": status}


class PostCommentsFormSet(forms.BaseInlineFormSet):
    def get_queryset(self):
        # Only the newest comments: a post with thousands would make a page nobody can load.
        if not hasattr(self, "_queryset"):
            self._queryset = super().get_queryset().order_by("-created_at")[:POST_PAGE_COMMENTS]
        return self._queryset


class PostCommentInline(admin.TabularInline):
    model = Comment
    formset = PostCommentsFormSet
    fields = ("excerpt", "author_label", "status", "created_at", "moderate")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = format_lazy(_("newest comments (up to {count})"), count=POST_PAGE_COMMENTS)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(EXCERPT_CHARS)

    @admin.display(description=_("author"))
    def author_label(self, obj):
        return comment_author_label(obj)

    @admin.display(description="")
    def moderate(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:comments_comment_change", args=[obj.pk]), gettext("moderate")
        )


class BanForm(forms.Form):
    remove_all_comments = forms.BooleanField(
        required=False, label=_("Also remove all their approved comments (their pending ones are removed anyway)")
    )
    unpublish_posts = forms.BooleanField(required=False, label=_("Also unpublish their posts"))


def user_content_counts() -> dict:
    """Annotations for a list of users: how many posts and comments each wrote (a subquery each, so that the
    two counts do not multiply each other)."""
    return {"post_count": _count(Post, "author"), "comment_count": _count(Comment, "author")}


def _count(model, field):
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)
