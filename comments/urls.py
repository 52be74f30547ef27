from django.urls import path
from django.views.decorators.http import require_safe

from blogsite.converters import PERMALINK

from . import views

app_name = "comments"


urlpatterns = [
    # Below a post's permalink.
    path(PERMALINK + "comments/", views.create, name="create"),
    path(PERMALINK + "comments/feed/", require_safe(views.PostCommentsFeed()), name="feed"),
    path("comments/<int:pk>/", views.locate, name="locate"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
