from django.urls import path
from django.views.decorators.http import require_safe

from . import views

app_name = "community"

blog = "@<username:username>/"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_all_read, name="mark_all_read"),
    path("inbox/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("inbox/feed/", views.inbox_feed_address, name="inbox_feed_address"),
    path("inbox/feed/<str:key>/", require_safe(views.InboxAtomFeed()), name="inbox_feed"),
    path("accounts/profile/claim/", views.claim, name="claim"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(blog + "follow/", views.follow, name="follow"),
    path(blog + "subscribe/", views.subscribe, name="subscribe"),
    path(blog + "comments/", views.user_comments, name="user_comments"),
    path(blog + "comments/feed/", require_safe(views.UserCommentsFeed()), name="user_comments_feed"),
]
