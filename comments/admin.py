"""Staff moderation in the admin: the comment queue, the moderation log, and the moderation parts of the
user and post admins (ban and unban, publish and unpublish, a post's comments), which need this app."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User
from posts.admin import PostAdmin
from posts.models import Post

from .models import Comment, ModerationEvent
from .moderation import DONE, ban_user, can_ban, moderate_comments, publish_posts, unban_user, unpublish_posts

# Enough of a comment to judge it from the queue; the whole text is one click away.
EXCERPT_CHARS = 300
# How many of a post's comments its admin page shows; the rest are one link away, in the queue.
POST_PAGE_COMMENTS = 20


def comment_changelist_url(**filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse("admin:comments_comment_changelist") + (f"?{query}" if query else "")


def _report(modeladmin, request, count: int, action: str) -> None:
    level = messages.SUCCESS if count else messages.WARNING
    modeladmin.message_user(request, DONE[action] % {"count": count}, level)


def _author_label(comment) -> str:
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
        return _author_label(obj)

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
        _report(self, request, count, action)

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

    list_display = ("created_at", "moderator", "action", "source", "comment_link", "post", "target_user", "note")
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
        return _author_label(obj)

    @admin.display(description="")
    def moderate(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:comments_comment_change", args=[obj.pk]), gettext("moderate")
        )


class ModeratedPostAdmin(PostAdmin):
    inlines = [PostCommentInline]
    actions = ("publish", "unpublish")
    readonly_fields = (*PostAdmin.readonly_fields, "all_comments")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, (_("Comments"), {"fields": ("all_comments",)}))

    @admin.display(description=_("all comments"))
    def all_comments(self, obj):
        text = ngettext(
            "%(count)d comment, %(pending)d awaiting moderation, in the moderation queue",
            "%(count)d comments, %(pending)d awaiting moderation, in the moderation queue",
            obj.comment_count,
        ) % {"count": obj.comment_count, "pending": obj.pending_count}
        return format_html('<a href="{}">{}</a>', comment_changelist_url(post__id__exact=obj.pk), text)

    @admin.action(permissions=["change"], description=_("Publish selected posts"))
    def publish(self, request, queryset):
        count = publish_posts(posts=queryset.select_related("author"), moderator=request.user)
        _report(self, request, count, ModerationEvent.Action.PUBLISH)

    @admin.action(permissions=["change"], description=_("Unpublish selected posts (back to drafts)"))
    def unpublish(self, request, queryset):
        count = unpublish_posts(posts=queryset.select_related("author"), moderator=request.user)
        _report(self, request, count, ModerationEvent.Action.UNPUBLISH)


class BanForm(forms.Form):
    remove_all_comments = forms.BooleanField(
        required=False, label=_("Also remove all their approved comments (their pending ones are removed anyway)")
    )
    unpublish_posts = forms.BooleanField(required=False, label=_("Also unpublish their posts"))


def _count(model, field):
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)


class ModeratedUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display[:4], "post_count", "comment_count", *UserAdmin.list_display[4:])
    actions = ("ban", "unban")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(post_count=_count(Post, "author"), comment_count=_count(Comment, "author"))
        )

    def has_ban_permission(self, request):
        return request.user.has_perm("accounts.ban_user")

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count

    @admin.display(description=_("comments"), ordering="comment_count")
    def comment_count(self, obj):
        return format_html('<a href="{}">{}</a>', comment_changelist_url(author__id__exact=obj.pk), obj.comment_count)

    def _split_bannable(self, request, queryset):
        users = list(queryset)
        allowed = [u for u in users if can_ban(request.user, u)]
        refused = len(users) - len(allowed)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account left alone: nobody may ban themselves, "
                    "and only a superuser may ban or unban a staff account.",
                    "%(count)d accounts left alone: nobody may ban themselves, "
                    "and only a superuser may ban or unban a staff account.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
        return allowed

    @admin.action(permissions=["ban"], description=_("Ban selected users…"))
    def ban(self, request, queryset):
        """Ask which extra steps to take, then deactivate and remove; the confirmation posts back here."""
        form = BanForm(request.POST if "confirm" in request.POST else None, label_suffix="")
        if form.is_bound and form.is_valid():
            users = self._split_bannable(request, queryset)
            for user in users:
                try:
                    ban_user(user=user, moderator=request.user, **form.cleaned_data)
                except PermissionDenied:  # pragma: no cover - _split_bannable filtered these out
                    continue
            _report(self, request, len(users), ModerationEvent.Action.BAN)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Ban users"),
            "opts": self.opts,
            "form": form,
            "users": [(user, can_ban(request.user, user)) for user in queryset],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/accounts/user/ban_confirmation.html", context)

    @admin.action(permissions=["ban"], description=_("Unban selected users (restore what the ban removed)"))
    def unban(self, request, queryset):
        users = self._split_bannable(request, queryset)
        for user in users:
            unban_user(user=user, moderator=request.user)
        _report(self, request, len(users), ModerationEvent.Action.UNBAN)


def _replace(model, admin_class):
    admin.site.unregister(model)
    admin.site.register(model, admin_class)


_replace(Post, ModeratedPostAdmin)
_replace(User, ModeratedUserAdmin)
