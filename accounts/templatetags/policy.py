"""The permission policy (accounts.policy) for templates: `{% load policy %}`, then `{% if user|may_use_admin %}`.
Each filter is one of the policy's rules, so that templates never test a user's flags themselves."""

from django import template

from accounts import policy

register = template.Library()


@register.filter
def may_use_admin(user) -> bool:
    """Whether the menus offer `user` the Django admin. No query."""
    return policy.can_use_admin(user)


@register.filter
def may_manage_blog(user, owner) -> bool:
    """`{% if user|may_manage_blog:author %}`: whether `user` runs `owner`'s blog. No query."""
    return policy.can_manage_blog(user, owner)


@register.filter
def may_edit_profile(user, member) -> bool:
    """`{% if user|may_edit_profile:profile %}`: whether `user` may change `member`'s profile. No query."""
    return policy.can_edit_profile(user, member)


@register.filter
def may_follow(user, owner) -> bool:
    """`{% if user|may_follow:author %}`: whether to offer `user` to follow `owner`'s blog. No query."""
    return policy.can_follow(user, owner)


@register.filter
def wrote(user, comment) -> bool:
    """`{% if user|wrote:comment %}`: whether `user` is the comment's author. No query."""
    return policy.is_comment_author(user.pk if user.is_authenticated else None, comment.author_id)
