from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("dashboard/export/<str:fmt>/", views.export_blog, name="export_blog"),
    path("accounts/data/", views.download_data, name="download_data"),
    path("accounts/delete/", views.delete_account_view, name="delete_account"),
]
