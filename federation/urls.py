from django.urls import path

from . import views

app_name = "federation"

blog = "@<username:username>/"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_index, name="nodeinfo_index"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    # The shared inbox; `/inbox/`, with its slash, is a signed-in reader's replies inbox.
    path("inbox", views.shared_inbox, name="shared_inbox"),
    path(blog + "inbox/", views.inbox, name="inbox"),
    path(blog + "outbox/", views.outbox, name="outbox"),
    path(blog + "followers/", views.followers, name="followers"),
    path("dashboard/fediverse/", views.dashboard, name="dashboard"),
    path("dashboard/fediverse/block/", views.block_actor, name="block_actor"),
    path("dashboard/fediverse/block/<int:pk>/unblock/", views.unblock_actor, name="unblock_actor"),
]
