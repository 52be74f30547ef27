"""The roles made by the accounts roles migration: exactly these permissions, and a reverse step."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from accounts.policy import BLOGGERS_GROUP, can_write
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("accounts.migrations.0004_roles")
move_permissions = importlib.import_module("moderation.migrations.0002_move_moderationevent_permissions")


def permissions_of(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_moderators_hold_exactly_the_moderation_permissions():
    assert permissions_of("Moderators") == {
        "posts.view_post",
        "posts.view_blog",
        "posts.view_label",
        "comments.view_comment",
        "comments.change_comment",
        "moderation.view_moderationevent",
        "accounts.view_user",
        "accounts.ban_user",
        "account.view_emailaddress",
    }


def test_moderators_cannot_edit_posts_users_groups_or_permissions(moderator):
    for forbidden in [
        "posts.change_post",
        "posts.add_post",
        "posts.delete_post",
        "accounts.change_user",
        "accounts.add_user",
        "accounts.delete_user",
        "auth.change_group",
        "auth.change_permission",
        "comments.delete_comment",
        "moderation.delete_moderationevent",
    ]:
        assert not moderator.has_perm(forbidden), forbidden
    assert moderator.has_perm("accounts.ban_user")
    assert moderator.has_perm("comments.change_comment")


def test_bloggers_hold_no_admin_permission():
    assert permissions_of(BLOGGERS_GROUP) == set()


def test_bloggers_may_write_when_authoring_is_closed(settings):
    settings.OPEN_AUTHORING = False
    blogger = UserFactory(username="blogger")
    reader = UserFactory(username="reader")
    blogger.groups.add(Group.objects.get(name=BLOGGERS_GROUP))
    assert can_write(blogger)
    assert not can_write(reader)


def test_roles_migration_reverses_and_reapplies_cleanly():
    """As `migrate` runs it: with the models as they were at that migration, the moderation log still in the
    comments app, whose permissions move to the moderation app after it (and back before it reverses)."""
    granted = {name: permissions_of(name) for name in ["Moderators", "Bloggers"]}
    move_permissions.back_to_comments(global_apps, None)
    roles_migration.delete_roles(global_apps, None)
    assert not Group.objects.filter(name__in=["Moderators", "Bloggers"]).exists()

    editor = SimpleNamespace(connection=connection)
    then = MigrationLoader(connection).project_state(("accounts", "0004_roles")).apps
    roles_migration.create_roles(then, editor)
    roles_migration.create_roles(then, editor)
    move_permissions.to_moderation(global_apps, None)
    assert Group.objects.filter(name__in=["Moderators", "Bloggers"]).count() == 2
    assert "accounts.ban_user" in permissions_of("Moderators")
    assert {name: permissions_of(name) for name in granted} == granted
