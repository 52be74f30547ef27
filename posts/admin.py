"""The admin for blogs, labels and posts, with the post's moderation: publishing and unpublishing (recorded
moderation decisions) and its comments.

The admin is where the site's apps are put together, as the URLconf is: this module alone of the posts app
imports the moderation app above it (see `ignore_imports` in pyproject.toml).
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from moderation.admin import PostCommentInline, comment_changelist_url, report
from moderation.models import ModerationEvent
from moderation.services import publish_posts, unpublish_posts

from . import services
from .models import Blog, Label, Post


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "comment_policy", "post_count", "created_at")
    list_filter = ("comment_policy",)
    list_select_related = ("owner",)
    search_fields = ("title", "owner__username", "owner__display_name")
    autocomplete_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("owner__posts"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "language" in form.changed_data:
            services.index_in_blog_language(blog=obj)

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "post_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description=_("posts"), ordering="post_count")
    def post_count(self, obj):
        return obj.post_count


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "status", "published_at", "comment_count", "pending_count", "on_site")
    list_filter = ("status", ("author", admin.RelatedOnlyFieldListFilter), "comments_enabled")
    list_select_related = ("author",)
    date_hierarchy = "published_at"
    search_fields = ("title", "author__username", "author__display_name")
    autocomplete_fields = ("author", "labels")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("author", "title", "slug", "body", "excerpt", "cover", "labels", "comments_enabled")}),
        (
            _("Publication"),
            {
                "description": _("Publish and unpublish with the actions on the list of posts; each one is recorded."),
                "fields": ("status", "publish_at", "published_at"),
            },
        ),
        (_("Record"), {"fields": ("word_count", "approved_comment_count", "created_at", "updated_at")}),
    )
    # Status changes go through the recorded publish and unpublish actions, not through the form.
    readonly_fields = (
        "status",
        "publish_at",
        "published_at",
        "word_count",
        "approved_comment_count",
        "created_at",
        "updated_at",
        "all_comments",
    )
    inlines = [PostCommentInline]
    actions = ("publish", "unpublish")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                comment_count=Count("comments"),
                pending_count=Count("comments", filter=Q(comments__status="pending")),
            )
        )

    def delete_model(self, request, obj):
        # As when its author deletes it: its address answers 410 Gone from now on.
        services.delete_post(post=obj)

    def delete_queryset(self, request, queryset):
        for post in queryset:
            services.delete_post(post=post)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.published_at is not None:
            # A published post's slug is part of its permalink, which must not break.
            readonly += ("slug",)
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return {}
        return super().get_prepopulated_fields(request, obj)

    @admin.display(description=_("comments"), ordering="comment_count")
    def comment_count(self, obj):
        return obj.comment_count

    @admin.display(description=_("pending"), ordering="pending_count")
    def pending_count(self, obj):
        return obj.pending_count

    @admin.display(description=_("on the site"))
    def on_site(self, obj):
        if not obj.is_public:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("view"))

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
        report(self, request, count, ModerationEvent.Action.PUBLISH)

    @admin.action(permissions=["change"], description=_("Unpublish selected posts (back to drafts)"))
    def unpublish(self, request, queryset):
        count = unpublish_posts(posts=queryset.select_related("author"), moderator=request.user)
        report(self, request, count, ModerationEvent.Action.UNPUBLISH)
