from django.urls import path

from . import views

app_name = "mentions"

urlpatterns = [
    path("webmention/", views.endpoint, name="endpoint"),
    path("webmention/<uuid:token>/", views.status, name="status"),
    path("dashboard/mentions/<int:pk>/", views.moderate, name="moderate"),
]
