"""The guard that other apps put on views that write, and the notice it shows."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.http import HttpResponse
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from accounts.decorators import verified_email_required_for_writing

pytestmark = pytest.mark.django_db


@verified_email_required_for_writing
def write_view(request):
    return HttpResponse("written")


@verified_email_required_for_writing(purpose="comment")
def comment_view(request):
    return HttpResponse("commented")


def call(view, user, method="get"):
    request = getattr(RequestFactory(), method)("/somewhere/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return view(request)


def test_anonymous_users_are_sent_to_sign_in():
    response = call(write_view, AnonymousUser())

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/somewhere/"


def test_verified_users_pass(user):
    response = call(write_view, user, "post")

    assert response.status_code == 200
    assert response.content == b"written"


def test_unverified_users_are_refused_and_told_why_and_how_to_verify(unverified_user):
    response = call(comment_view, unverified_user, "post")

    html = response.content.decode()
    assert response.status_code == 403
    assert b"commented" not in response.content
    assert "To comment you need a confirmed email address" in html
    assert "newcomer@example.com" in html
    assert 'action="/accounts/email/"' in html
    assert 'name="action_send"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert not mail.outbox, "the guard itself sends nothing; resending is the user's choice"


def test_the_resend_button_of_the_notice_sends_a_new_link(client, unverified_user):
    client.force_login(unverified_user)

    response = client.post("/accounts/email/", {"email": "newcomer@example.com", "action_send": ""})

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["newcomer@example.com"]


def test_the_notice_tag_renders_for_the_current_user(rf, unverified_user):
    request = rf.get("/")
    request.user = unverified_user
    template = Template('{% load accounts %}{% verify_email_notice purpose="write posts" %}')

    html = template.render(RequestContext(request, {"user": unverified_user}))

    assert "To write posts you need a confirmed email address" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_avatar_tag_shows_an_initial_without_a_picture(user):
    html = Template("{% load accounts %}{% avatar person 48 %}").render(Context({"person": user}))

    assert ">K</span>" in html
    assert "<img" not in html
