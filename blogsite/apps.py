from django.contrib.admin.apps import AdminConfig


class BlogsiteAdminConfig(AdminConfig):
    """Django's admin, served by Blogsite's own admin site."""

    default_site = "blogsite.admin.BlogsiteAdminSite"
