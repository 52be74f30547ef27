from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("media-library/", views.picture_list, name="list"),
    path("media-library/add/", views.upload, name="upload"),
    path("media-library/<int:pk>/", views.picture_detail, name="detail"),
    path("media-library/<int:pk>/delete/", views.delete, name="delete"),
]
