"""The instances staff blocked join the site's one blocklist (blocklist.BlockedSite), and what every blocked
site sent from the fediverse leaves the threads and the counts: a domain blocked for its webmentions until
now is refused on the fediverse too from here on."""

from django.db import migrations


def move_to_blocklist(apps, schema_editor):
    Instance = apps.get_model("federation", "Instance")
    BlockedSite = apps.get_model("blocklist", "BlockedSite")
    RemoteNote = apps.get_model("federation", "RemoteNote")
    Reaction = apps.get_model("federation", "Reaction")
    Comment = apps.get_model("comments", "Comment")
    for instance in Instance.objects.filter(is_blocked=True).order_by("pk"):
        site, created = BlockedSite.objects.get_or_create(domain=instance.domain, defaults={"note": instance.note})
        if not created and instance.note and instance.note not in site.note:
            site.note = "; ".join(filter(None, [site.note, instance.note]))[:300]
            site.save(update_fields=["note"])
    blocked = set(BlockedSite.objects.values_list("domain", flat=True))
    labels = {pk: domain.split(".") for pk, domain in Instance.objects.values_list("pk", "domain")}
    instances = [pk for pk, parts in labels.items() if any(".".join(parts[i:]) in blocked for i in range(len(parts)))]
    if not instances:
        return
    Reaction.objects.filter(remote__instance__in=instances).delete()
    notes = RemoteNote.objects.filter(remote__instance__in=instances).values("comment_id")
    # Pages cached before showed those replies: the page cache moves on after every migration that ran.
    Comment.objects.filter(pk__in=notes).exclude(status="removed").update(status="removed")


def copy_back(apps, schema_editor):
    Instance = apps.get_model("federation", "Instance")
    BlockedSite = apps.get_model("blocklist", "BlockedSite")
    for site in BlockedSite.objects.order_by("pk"):
        Instance.objects.update_or_create(domain=site.domain, defaults={"is_blocked": True, "note": site.note})


class Migration(migrations.Migration):
    dependencies = [
        ("blocklist", "0001_add_blocked_site"),
        ("comments", "0007_add_comment_remote_author"),
        ("federation", "0002_add_remote_notes_and_reactions"),
        # The domains blocked for their webmentions are on the list before what they sent is hidden.
        ("mentions", "0002_move_blocked_domains_to_blocklist"),
    ]

    operations = [migrations.RunPython(move_to_blocklist, copy_back)]
