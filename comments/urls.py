from django.urls import path, re_path
from django.views.decorators.http import require_safe

from . import views

app_name = "comments"

# Under a post's permalink, /@<username>/<yyyy>/<mm>/<slug>/ (the posts app's converters aren't
# registered yet when this module loads, so the pattern spells them out).
PERMALINK = r"^@(?P<username>[A-Za-z0-9_-]+)/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<slug>[^/]+)/"

urlpatterns = [
    re_path(PERMALINK + r"comments/$", views.create, name="create"),
    re_path(PERMALINK + r"comments/feed/$", require_safe(views.PostCommentsFeed()), name="feed"),
    path("comments/<int:pk>/", views.locate, name="locate"),
    path("comments/<int:pk>/reply/", views.reply, name="reply"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("dashboard/comments/", views.queue, name="queue"),
]
