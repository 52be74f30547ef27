"""Writes to accounts that have side effects beyond one row."""

from django.db import transaction

from .forms import ProfileForm
from .models import User


def update_profile(*, form: ProfileForm) -> User:
    """Save a valid profile form; a replaced or removed picture's file is deleted once the change is committed.

    Returns the saved user.
    """
    user = form.instance
    old_avatar_name = User.objects.filter(pk=user.pk).values_list("avatar", flat=True).first() or ""
    with transaction.atomic():
        user = form.save()
        if old_avatar_name and old_avatar_name != user.avatar.name:
            storage = user.avatar.storage
            transaction.on_commit(lambda: storage.delete(old_avatar_name))
    return user
