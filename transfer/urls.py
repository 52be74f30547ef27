from django.urls import path

from . import views

app_name = "transfer"

urlpatterns = [
    path("dashboard/export/<str:fmt>/", views.export_blog, name="export_blog"),
    path("dashboard/import/", views.import_blog, name="import"),
    path("dashboard/import/<int:pk>/", views.import_status, name="import_status"),
    path("dashboard/import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("accounts/data/", views.download_data, name="download_data"),
    path("accounts/delete/", views.delete_account_view, name="delete_account"),
]
