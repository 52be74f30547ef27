"""WordPress's own rules for showing a post, so that an imported body reads as it did there.

WordPress stores a classic-editor post with blank lines for paragraphs and single newlines for line breaks,
and `[shortcodes]` for captions, galleries and media; its `the_content` filter turns them into HTML on every
view (`wpautop()` in wp-includes/formatting.php, `do_shortcode()`). Imported posts are stored as HTML, so
this module does that work once. Posts written in the block editor (`<!-- wp:paragraph -->`) are already
HTML; WordPress skips `wpautop` for them and so does `wordpress_html`.

Everything here is linear in the length of the text: the regular expressions are anchored on a literal
(`<p>`, `<tag`, `[`) and stop at the next `<`, `>`, `[` or `]`, and the two steps that would need an
unbounded look-ahead (line breaks, `<p><li …</p>`) are done by plain scans.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from django.utils.translation import gettext

from .report import Notice

# wpautop's $allblocks.
_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|"
    r"blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|"
    r"footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_OPEN = re.compile(r"(<" + _BLOCKS + r"[\s/>])")
_BLOCK_CLOSE = re.compile(r"(</" + _BLOCKS + r">)")
_HR = re.compile(r"(<hr\s*?/?>)")
_DOUBLE_BR = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_TAG = re.compile(r"<[^<>]*>")
_PARAGRAPH_SPLIT = re.compile(r"\n[ \t\r\f\v]*\n")
_EMPTY_P = re.compile(r"<p>\s*</p>")
_P_BEFORE_CLOSING = re.compile(r"<p>([^<]+)</(div|address|form)>")
_P_AROUND_BLOCK = re.compile(r"<p>\s*(</?" + _BLOCKS + r"[^>]*>)\s*</p>")
_P_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.IGNORECASE)
_P_BEFORE_BLOCK = re.compile(r"<p>\s*(</?" + _BLOCKS + r"[^>]*>)")
_P_AFTER_BLOCK = re.compile(r"(</?" + _BLOCKS + r"[^>]*>)\s*</p>")
_BR_AFTER_BLOCK = re.compile(r"(</?" + _BLOCKS + r"[^>]*>)\s*<br />")
_BR_BEFORE = re.compile(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_NEWLINE_MARK = " <!-- wpnl --> "
_PRE_MARK = "<pre wp-pre-tag-{}></pre>"


def has_blocks(text: str) -> bool:
    """Whether WordPress's block editor wrote `text` (it then shows it without `wpautop`)."""
    return "<!-- wp:" in text


def wpautop(text: str) -> str:
    """WordPress's `wpautop($text, true)`: blank lines make paragraphs, single newlines line breaks,
    and block-level tags are left alone, also when a body mixes plain lines and block tags."""
    if not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    text, pres = _set_aside_pre(text)
    text = _DOUBLE_BR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    text = _HR.sub(r"\1\n\n", text)
    # Newlines inside tags (attributes over several lines) are not line breaks.
    text = _TAG.sub(lambda m: m.group(0).replace("\n", _NEWLINE_MARK), text)
    if "<figcaption" in text:
        text = "<figcaption".join(part.rstrip() for part in text.split("<figcaption"))
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    out = []
    for part in _PARAGRAPH_SPLIT.split(_collapse_blank_lines(text)):
        part = part.strip("\n")
        if part.strip():
            out.append("<p>" + part + "</p>\n")
    text = "".join(out)
    text = _EMPTY_P.sub("", text)
    text = _P_BEFORE_CLOSING.sub(r"<p>\1</p></\2>", text)
    text = _P_AROUND_BLOCK.sub(r"\1", text)
    text = _unwrap_list_items(text)
    text = _P_BLOCKQUOTE.sub(r"<blockquote\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub(r"\1", text)
    text = _P_AFTER_BLOCK.sub(r"\1", text)
    text = _line_breaks(text.replace("<br>", "<br />").replace("<br/>", "<br />"))
    text = _BR_AFTER_BLOCK.sub(r"\1", text)
    text = _BR_BEFORE.sub(r"\1", text)
    if text.endswith("\n</p>\n"):
        text = text[: -len("\n</p>\n")] + "</p>\n"
    for n, pre in enumerate(pres):
        text = text.replace(_PRE_MARK.format(n), pre)
    return text.replace(_NEWLINE_MARK, "\n")


def _set_aside_pre(text: str) -> tuple[str, list[str]]:
    """`text` with each <pre> element replaced by a marker (its newlines are not paragraphs), and them."""
    lowered = text.lower()
    if "<pre" not in lowered:
        return text, []
    out, pres, pos = [], [], 0
    while (start := lowered.find("<pre", pos)) != -1:
        if lowered[start + 4 : start + 5] not in (" ", ">", "\t", "\n"):
            out.append(text[pos : start + 4])
            pos = start + 4
            continue
        end = lowered.find("</pre>", start)
        if end == -1:
            break
        out.append(text[pos:start])
        pres.append(text[start : end + 6])
        out.append(_PRE_MARK.format(len(pres) - 1))
        pos = end + 6
    out.append(text[pos:])
    return "".join(out), pres


def _collapse_blank_lines(text: str) -> str:
    return re.sub(r"\n\n+", "\n\n", text)


def _unwrap_list_items(text: str) -> str:
    """`<p>(<li.+?)</p>` → the item without the paragraph, where `.` stops at a newline; done by a scan,
    remembering the next `</p>` and newline, so that many `<p><li` on one long line stay linear."""
    if "<p><li" not in text:
        return text
    out, pos, next_close, next_newline = [], 0, -1, -1
    start = text.find("<p><li")
    while start != -1:
        if next_close < start + 6:
            next_close = text.find("</p>", start + 6)
        if next_newline < start:
            next_newline = text.find("\n", start)
        if next_close != -1 and (next_newline == -1 or next_close < next_newline):
            out.append(text[pos:start])
            out.append(text[start + 3 : next_close])
            pos = next_close + 4
            start = text.find("<p><li", pos)
        else:
            start = text.find("<p><li", start + 1)
    out.append(text[pos:])
    return "".join(out)


def _line_breaks(text: str) -> str:
    """wpautop's `(?<!<br />)\\s*\\n` → `<br />\\n`, line by line: trailing blanks go, and a line that
    doesn't already end in a break gets one. Newlines inside <script>, <style> and <svg> are kept."""
    lines = text.split("\n")
    out = []
    raw = 0
    for line in lines[:-1]:
        lowered = line.lower()
        raw += lowered.count("<script") + lowered.count("<style") + lowered.count("<svg")
        raw -= lowered.count("</script") + lowered.count("</style") + lowered.count("</svg")
        stripped = line.rstrip()
        if raw > 0 or stripped.endswith("<br />"):
            out.append(stripped + "\n")
        else:
            out.append(stripped + "<br />\n")
    out.append(lines[-1])
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------
# Shortcodes

_SHORTCODE = re.compile(r"\[(/?)([A-Za-z][\w-]{0,40})((?:\s[^\[\]]*)?)\]")
_ATTRIBUTE = re.compile(r"""(?<![\w-])([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_CAPTION_IMAGE = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)", re.IGNORECASE)
_URL = re.compile(r"^https?://\S+$")
_MEDIA_SOURCE_ATTRIBUTES = ("src", "url", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mp3", "ogg", "wav", "m4a")
# Shortcodes that are only ever self-closing, so that their text never has to be searched for a closer.
_SELF_CLOSING = frozenset({"gallery", "playlist", "audio"})
_MAX_NESTING = 20


def _attributes(text: str) -> dict[str, str]:
    return {m[1].lower(): html.unescape(m[2] or m[3] or m[4] or "") for m in _ATTRIBUTE.finditer(text)}


def _link(url: str, text: str) -> str:
    return f'<p><a href="{html.escape(url)}">{html.escape(text)}</a></p>'


def shortcodes(text: str, counts: Counter) -> str:
    """`text` with WordPress shortcodes done as WordPress would show them, as far as a page here can:
    `[caption]` a figure with its caption; `[embed]`, `[video]`, `[audio]` a link to the media; `[gallery]`
    and `[playlist]` removed (their pictures live in the old site's media library); any other shortcode
    removed, its enclosed text kept. `counts[notice]` grows by one for each (`transfer.report.CONVERSIONS`).

    A bracketed word that is neither followed by its closing tag nor carries attributes (`[sic]`, `[1]`)
    is text, not a shortcode, and stays.
    """
    if "[" not in text:
        return text
    tokens = list(_SHORTCODE.finditer(text))
    if not tokens:
        return text
    # Pair each closer with the nearest open shortcode of its name; openers left inside a pair stay
    # unpaired. Each opener is pushed and popped once, whatever the file holds.
    partner: dict[int, int] = {}
    stack: list[int] = []
    open_by_name: dict[str, list[int]] = {}
    for index, token in enumerate(tokens):
        name = token[2].lower()
        if token[1]:
            if open_by_name.get(name):
                opener = open_by_name[name][-1]
                partner[opener] = index
                while stack:
                    popped = stack.pop()
                    open_by_name[tokens[popped][2].lower()].pop()
                    if popped == opener:
                        break
        elif name not in _SELF_CLOSING and not token[3].rstrip().endswith("/"):
            stack.append(index)
            open_by_name.setdefault(name, []).append(index)
    out: list[str] = []
    _render(text, tokens, partner, 0, len(tokens), tokens[0].start(), len(text), out, counts, 0)
    return text[: tokens[0].start()] + "".join(out)


def _render(text, tokens, partner, first, last, start, end, out, counts, depth) -> None:
    """Writes text[start:end], which holds tokens[first:last], to `out` with its shortcodes done."""
    pos = start
    index = first
    while index < last:
        token = tokens[index]
        out.append(text[pos : token.start()])
        name = token[2].lower()
        attrs = token[3]
        closer = partner.get(index)
        is_shortcode = bool(token[1]) or closer is not None or "=" in attrs or attrs.rstrip().endswith("/")
        is_shortcode = is_shortcode or name in _SELF_CLOSING
        if token[1]:
            # A closer without its opener is a stray tag: it goes.
            counts[Notice.of("shortcode_removed", name=name)] += 1
            pos = token.end()
            index += 1
            continue
        if not is_shortcode:
            out.append(token.group(0))
            pos = token.end()
            index += 1
            continue
        if closer is not None:
            inner: list[str] = []
            if depth < _MAX_NESTING:
                _render(
                    text,
                    tokens,
                    partner,
                    index + 1,
                    closer,
                    token.end(),
                    tokens[closer].start(),
                    inner,
                    counts,
                    depth + 1,
                )
            else:
                inner.append(_SHORTCODE.sub("", text[token.end() : tokens[closer].start()]))
            content = "".join(inner)
            pos = tokens[closer].end()
            index = closer + 1
        else:
            content = ""
            pos = token.end()
            index += 1
        out.append(_shortcode(name, _attributes(attrs), content, counts))
    out.append(text[pos:end])


def _shortcode(name: str, attrs: dict[str, str], content: str, counts: Counter) -> str:
    if name in ("caption", "wp_caption"):
        match = _CAPTION_IMAGE.match(content)
        caption = attrs.get("caption", "")
        if match:
            image, rest = match.group(1), content[match.end() :].strip()
            caption = caption or rest
        else:
            image, caption = "", caption or content.strip()
        counts[Notice.of("caption", name="caption")] += 1
        if not image:
            return caption
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f"<figure>{image}{figcaption}</figure>"
    if name in ("embed", "video", "audio"):
        url = content.strip() if _URL.match(content.strip()) else ""
        for key in _MEDIA_SOURCE_ATTRIBUTES:
            if url:
                break
            url = attrs.get(key, "").strip()
        if url and _URL.match(url):
            counts[Notice.of("media_link", name=name)] += 1
            return _link(url, video_title(url) or url)
        counts[Notice.of("media_removed", name=name)] += 1
        return ""
    if name in ("gallery", "playlist"):
        counts[Notice.of("gallery_removed", name=name)] += 1
        return ""
    counts[Notice.of("shortcode_removed", name=name)] += 1
    return content


# ---------------------------------------------------------------------------------------------------------
# Embedded video

_YOUTUBE_ID = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:embed/|v/|watch\?v=)|youtu\.be/)([\w-]{6,20})",
    re.IGNORECASE,
)
_VIMEO_ID = re.compile(r"^https?://(?:player\.)?vimeo\.com/(?:video/)?(\d{1,15})", re.IGNORECASE)
_IFRAME = re.compile(r"<(iframe|embed)\b([^<>]*)>", re.IGNORECASE)
# Closing tags of players, and Flash's <object>/<param> wrapper (whose content the sanitizer would drop
# with it, link and all).
_PLAYER_TAGS = re.compile(r"</(?:iframe|embed|object|param)\s*>|<(?:object|param)\b[^<>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TITLE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def video_url(src: str) -> tuple[str, str]:
    """(the watch page, the service's name) of a YouTube or Vimeo player address, or ("", "")."""
    src = html.unescape(src.strip())
    if src.startswith("//"):
        src = "https:" + src
    if match := _YOUTUBE_ID.match(src):
        return f"https://www.youtube.com/watch?v={match[1]}", "YouTube"
    if match := _VIMEO_ID.match(src):
        return f"https://vimeo.com/{match[1]}", "Vimeo"
    return "", ""


def video_title(url: str) -> str:
    """The link text for a video without a title of its own, in the active language (the import writes
    posts in the blog's), or "" for an address that is not a video's."""
    _, service = video_url(url)
    # Translators: the text of a link to a video in an imported post; %(service)s is YouTube or Vimeo.
    return gettext("Video on %(service)s") % {"service": service} if service else ""


def video_links(text: str, counts: Counter) -> str:
    """YouTube and Vimeo players (`<iframe>`, `<embed>`), which the sanitizer drops, as a link to the
    video with its title; other iframes are left for the sanitizer to drop."""
    if "<iframe" not in text.lower() and "<embed" not in text.lower():
        return text

    def link(match: re.Match) -> str:
        src = _SRC.search(match[2])
        url, service = video_url(next(g for g in src.groups() if g is not None)) if src else ("", "")
        if not url:
            return match[0]
        title = _TITLE.search(match[2])
        name = html.unescape(next(g for g in title.groups() if g is not None)).strip() if title else ""
        counts[Notice.of("video_link", service=service)] += 1
        return _link(url, name or video_title(url))

    return _PLAYER_TAGS.sub("", _IFRAME.sub(link, text))
