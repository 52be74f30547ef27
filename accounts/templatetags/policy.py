"""The permission policy (accounts.policy) for templates: `{% load policy %}`, then `{% if user|may_use_admin %}`.
Each filter is one of the policy's rules, so that templates never test a user's flags themselves."""

from django import template

from accounts import policy

register = template.Library()


@register.filter
def may_use_admin(user) -> bool:
    """Whether the menus offer `user` the Django admin. No query."""
    return policy.can_use_admin(user)
