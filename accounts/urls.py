from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile_edit, name="profile"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("@<str:username>/about/", views.about, name="about"),
]
