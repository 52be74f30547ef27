"""Drive Blogsite through its public surface (CONTRACT.md's URLs and form fields), as a stranger's script would."""

import html5lib
import pytest
from django.utils import timezone

from posts.models import Post


def forms_in(page: bytes | str) -> list[dict]:
    """Every form on a page: its action, method and the values a browser would submit (as a dict)."""
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for form in root.iter("form"):
        fields = {}
        for element in form.iter():
            name = element.get("name")
            if not name:
                continue
            if element.tag == "textarea":
                fields[name] = element.text or ""
            elif element.tag == "select":
                chosen = [o for o in element.iter("option") if o.get("selected") is not None]
                options = chosen or list(element.iter("option"))[:1]
                if options:
                    fields[name] = options[0].get("value", options[0].text or "")
            elif element.tag == "input":
                kind = element.get("type", "text").lower()
                if kind in {"checkbox", "radio"}:
                    if element.get("checked") is not None:
                        fields[name] = element.get("value", "on")
                elif kind not in {"submit", "button", "image", "file"}:
                    fields[name] = element.get("value", "")
            elif element.tag == "button":
                fields.setdefault(name, element.get("value", ""))
        found.append({"action": form.get("action", ""), "method": form.get("method", "get").lower(), "fields": fields})
    return found


def submit_form(client, url: str, changes: dict, *, pick=lambda form: form["method"] == "post"):
    """GET `url`, take the first form `pick` accepts, change some fields and POST it as a browser would."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    # No such form (a view-only page, say): post the change anyway, as a hostile client would.
    form = next((f for f in forms_in(page.content) if pick(f)), {"action": url, "fields": {}})
    data = {k: v for k, v in form["fields"].items() if v is not None}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(form["action"] or url, data)


class Site:
    def __init__(self, client, owner):
        self.client = client
        self.owner = owner

    # Posts -------------------------------------------------------------------------------------------

    def write_post(self, *, title="A post", body="Some words.", labels="", status="published", client=None, **extra):
        """Post the /write/ form; return the response and the author's newest post (None if none was made)."""
        client = client or self.client
        if client is self.client:
            client.force_login(self.owner)
        data = {"title": title, "body": body, "labels": labels, "status": status, **extra}
        before = set(Post.objects.values_list("pk", flat=True))
        response = client.post("/write/", data)
        assert response.status_code < 500, f"/write/ answered {response.status_code}"
        made = Post.objects.exclude(pk__in=before).order_by("-pk").first()
        return response, made

    def published_post(self, **kwargs) -> Post:
        response, post = self.write_post(**kwargs)
        assert post is not None, f"/write/ made no post: {response.status_code} {response.content[:500]!r}"
        assert post.is_public, f"the post written as published is {post.status}"
        return post

    def pages_showing(self, post: Post) -> list[str]:
        """The public pages where a published post's title, labels, excerpt or body appear."""
        when = timezone.localtime(post.published_at)
        username = post.author.username
        urls = [
            post.get_absolute_url(),
            "/",
            f"/@{username}/",
            f"/@{username}/{when.year}/",
            f"/@{username}/{when.year}/{when.month:02d}/",
            f"/@{username}/about/",
        ]
        urls += [f"/@{username}/label/{label.slug}/" for label in post.labels.all()]
        return urls

    def feeds_showing(self, post: Post) -> list[str]:
        username = post.author.username
        urls = ["/feed/", "/feed/rss/", f"/@{username}/feed/", f"/@{username}/feed/rss/"]
        urls += [f"/@{username}/label/{label.slug}/feed/" for label in post.labels.all()]
        return urls

    # Comments ----------------------------------------------------------------------------------------

    def comment_form(self, post: Post, client=None) -> dict:
        """The comment form on a post's page (the form with a `body` field) as `client` sees it.

        Someone who may not comment sees no form; they get the one the post's author sees, and post it as a
        hostile script would. A post page that shows no form even to its author fails the test.
        """
        client = client or self.client
        form = _comment_form_on(client, post)
        if form is None and client is not self.client:
            self.client.force_login(self.owner)
            form = _comment_form_on(self.client, post)
        if form is None:
            pytest.fail(f"{post.get_absolute_url()} shows no comment form (a form with a `body` field)")
        return form

    def post_comment(self, client, post: Post, body: str, parent: str | int = ""):
        """Post a comment as `client`'s user through the form the post page shows; return the response."""
        form = self.comment_form(post, client=client)
        data = {name: value for name, value in form["fields"].items() if name not in {"body", "parent"}}
        data.update(body=body, parent=str(parent))
        response = client.post(form["action"], data)
        assert response.status_code < 500, f"posting a comment answered {response.status_code}"
        return response

    def comments_feed(self, post: Post) -> str:
        return post.get_absolute_url() + "comments/feed/"


def _comment_form_on(client, post: Post) -> dict | None:
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200, f"{post.get_absolute_url()} answered {page.status_code}"
    for form in forms_in(page.content):
        if form["method"] == "post" and "body" in form["fields"]:
            form["action"] = form["action"] or post.get_absolute_url()
            return form
    return None
