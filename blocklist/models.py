"""The site's one list of blocked sites: a domain on it (with its subdomains) has its webmentions and fediverse
activities refused, what it sent hidden, and nothing delivered to it.

It sits below both apps that ask it (mentions, federation), which do not know of each other: each imports
the rule from here, and nothing here imports them.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ExpressionWrapper, F, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def normalize_domain(text: str) -> str:
    """`text` as a domain: lower case, without dots at either end; a pasted address gives its host."""
    text = text.strip()
    if "://" in text:
        try:
            text = urlsplit(text).hostname or ""
        except ValueError:
            return ""
    return text.strip(".").lower()


def suffixes(host: str) -> list[str]:
    """`host` and every domain above it: `a.b.example` gives `a.b.example`, `b.example`, `example`."""
    labels = normalize_domain(host).split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if labels[i]]


class BlockedSiteQuerySet(models.QuerySet):
    def covering(self, host_expression):
        """Blocks of the host `host_expression` names (an expression or an OuterRef) or of a domain above it,
        for use in a subquery (`Exists(BlockedSite.objects.covering(OuterRef("source_host")))`)."""
        host = ExpressionWrapper(host_expression, output_field=models.CharField())
        return self.annotate(host=host, dotted=Concat(Value("."), "domain")).filter(
            Q(domain=F("host")) | Q(host__endswith=F("dotted"))
        )

    def blocks(self, *hosts: str) -> bool:
        """Whether any of `hosts`, or a domain above one of them, is blocked. One query on the unique index of
        `domain`, however many hosts: the domains above a host are few and known in advance."""
        candidates = {domain for host in hosts for domain in suffixes(host)}
        return bool(candidates) and self.filter(domain__in=candidates).exists()


class BlockedSite(models.Model):
    """A blocked site, by domain: its subdomains are blocked with it."""

    domain = models.CharField(
        _("domain"), max_length=253, unique=True, help_text=_("example.com also blocks www.example.com.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Why it is blocked, for other staff."))
    created_at = models.DateTimeField(_("blocked on"), auto_now_add=True)

    objects = BlockedSiteQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("blocked site")
        verbose_name_plural = _("blocked sites")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalize_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self):
        self.domain = normalize_domain(self.domain)
        if not HOST_NAME.fullmatch(self.domain):
            raise ValidationError(
                {"domain": _("Give a domain such as example.com (letters, digits, hyphens and dots).")}
            )
