from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("dashboard/comments/", views.queue, name="queue"),
]
