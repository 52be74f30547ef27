"""Driving the admin as a browser does."""

import re


def csrf_token(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the page has no form carrying a CSRF token"
    return match[1]


def run_action(client, changelist_url, action, objects, **extra):
    """Tick `objects` on the changelist, choose `action` and press Go; follow the redirect."""
    page = client.get(changelist_url)
    assert page.status_code == 200
    data = {
        "csrfmiddlewaretoken": csrf_token(page),
        "action": action,
        "_selected_action": [str(obj.pk) for obj in objects],
        "index": "0",
        "select_across": "0",
        **extra,
    }
    return client.post(changelist_url, data, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
