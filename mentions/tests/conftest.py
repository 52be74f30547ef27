import pytest

from tests.fakesite import fake_site


@pytest.fixture
def elsewhere(settings):
    """Another web site, on 127.0.0.1 (allowed for the guarded fetch in these tests only)."""
    settings.FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    settings.WEBMENTION_FETCH_MAX_MB = 1
    settings.WEBMENTION_FETCH_TIMEOUT = 3
    with fake_site() as site:
        yield site


@pytest.fixture
def target(post):
    return "http://testserver" + post.get_absolute_url()


def reply_page(target: str, *, text: str = "What a good point.", extra: str = "") -> bytes:
    """A page with a microformats2 reply to `target` by Ann, the way IndieWeb sites mark one up."""
    return f"""<!doctype html><html><head><title>Re: a first post</title></head><body>
<article class="h-entry">
  <a class="p-author h-card" href="/about"><img src="/ann.jpg" alt="">Ann Other</a>
  <p>In reply to <a class="u-in-reply-to" href="{target}">Karen's post</a></p>
  <div class="e-content"><p>{text}</p><script>alert(1)</script><p onclick="x()">More.</p></div>
  <time class="dt-published" datetime="2026-11-30T10:00:00Z">30 November</time>
  {extra}
</article></body></html>""".encode()
