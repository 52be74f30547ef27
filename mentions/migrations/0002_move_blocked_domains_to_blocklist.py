"""The domains whose webmentions were refused join the site's one blocklist (blocklist.BlockedSite)."""

from django.db import migrations


def move_to_blocklist(apps, schema_editor):
    BlockedDomain = apps.get_model("mentions", "BlockedDomain")
    BlockedSite = apps.get_model("blocklist", "BlockedSite")
    for old in BlockedDomain.objects.order_by("pk"):
        domain = old.domain.strip().strip(".").lower()
        if not domain:
            continue
        site, created = BlockedSite.objects.get_or_create(domain=domain, defaults={"note": old.note})
        if not created and old.note and old.note not in site.note:
            site.note = "; ".join(filter(None, [site.note, old.note]))[:300]
            site.save(update_fields=["note"])


def copy_back(apps, schema_editor):
    BlockedDomain = apps.get_model("mentions", "BlockedDomain")
    BlockedSite = apps.get_model("blocklist", "BlockedSite")
    for site in BlockedSite.objects.order_by("pk"):
        BlockedDomain.objects.get_or_create(domain=site.domain, defaults={"note": site.note})


class Migration(migrations.Migration):
    dependencies = [
        ("blocklist", "0001_add_blocked_site"),
        ("mentions", "0001_initial"),
    ]

    operations = [migrations.RunPython(move_to_blocklist, copy_back)]
