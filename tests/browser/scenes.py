"""Content for the browser tests and screenshots: a small, lively site written through the apps' models."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.services import post_comment
from posts.models import Blog, Post
from posts.services import create_post

PASSWORD = "correct horse battery staple"

LOREM = [
    "The first frost came early this year. I walked to the station under a sky the colour of skimmed milk, "
    "and every parked car had a thin white fur on its roof. By the time the train came the sun was out and "
    "the fur had turned to water.",
    "There is a particular pleasure in a job finished a day before it is due. Nobody notices, of course; "
    "the work is simply *there* when they look for it. But you know, and the extra evening is yours.",
    "I have been keeping a list of small victories: a jar that opened at the first try, a bus that waited, "
    "a sentence that came out right the first time. The list is longer than I expected.",
]

THREAD = [
    # (author key, depth, body)
    ("sp", 0, "This is exactly how my autumn started too. Do you keep the list on paper or on your phone?"),
    ("karen", 1, "Paper! A small notebook that lives in my coat pocket. Writing it by hand is half the fun."),
    ("sp", 2, "I tried paper once and lost the notebook within a week. Maybe a phone note is safer for me."),
    ("marguerite", 3, "A pencil on a string, tied to the notebook. That is how my grandmother kept her seed lists."),
    ("karen", 4, "That's lovely. I can picture the string, slightly grubby from the garden."),
    ("sp", 5, "Now I want a garden, a grandmother and a pencil on a string."),
    ("tomasz", 6, "Two out of three is a good week."),
    ("marguerite", 7, "Come to the allotment on Saturday and you'll have the garden, at least."),
    ("sp", 0, "Small victory today: the coffee machine at work was fixed before I got there."),
    ("tomasz", 1, "The best kind of victory: one somebody else won for you."),
]


@dataclass
class Scene:
    people: dict = field(default_factory=dict)
    posts: list = field(default_factory=list)
    thread_post: Post | None = None
    comments: list = field(default_factory=list)


def add_comment(*, post, author, body, parent=None, status=Comment.Status.APPROVED, when=None):
    """A comment through the comments app's own service, then given the status and time the scene needs."""
    with override_settings(COMMENTS_RATE_PER_MINUTE=10_000):
        comment = post_comment(post=post, author=author, body=body, parent=parent)
    changes = {"status": status}
    if when is not None:
        changes["created_at"] = when
    Comment.objects.filter(pk=comment.pk).update(**changes)
    comment.refresh_from_db()
    return comment


def add_post(*, author, title, body, labels=(), days_ago=0, status=Post.Status.PUBLISHED, excerpt=""):
    when = timezone.now() - timedelta(days=days_ago, hours=2)
    return create_post(
        author=author,
        title=title,
        body=body,
        labels=list(labels),
        status=status,
        excerpt=excerpt,
        published_at=None if status == Post.Status.DRAFT else when,
    )


def lively_site() -> Scene:
    """Four people, three blogs with titles, posts over several days, and one post with a deep thread."""
    scene = Scene()
    for username, display_name in [
        ("karen", "Karen Lindqvist"),
        ("sp", "sp"),
        ("marguerite", "Marguerite Okafor"),
        ("tomasz", "Tomasz Wrona"),
    ]:
        scene.people[username] = UserFactory(username=username, display_name=display_name)
    karen, marguerite, tomasz = scene.people["karen"], scene.people["marguerite"], scene.people["tomasz"]
    for owner, title, description in [
        (karen, "Ordinary Weeks", "Work, weather and the small victories of ordinary weeks."),
        (marguerite, "Plot 14", "Notes from a small allotment, and the history under it."),
        (tomasz, "Bread by Night", "Software by day, sourdough after dark."),
    ]:
        Blog.objects.update_or_create(owner=owner, defaults={"title": title, "description": description})

    thread_post = add_post(
        author=karen,
        title="A list of small victories",
        body="\n\n".join(
            [
                LOREM[2],
                "## How it started",
                LOREM[0],
                "> Nobody notices, of course; the work is simply there when they look for it.",
                LOREM[1],
                "- a jar that opened at the first try\n- a bus that waited\n- a sentence that came out right",
            ]
        ),
        labels=["Life", "Lists"],
        days_ago=0,
    )
    scene.posts.append(thread_post)
    scene.posts.append(
        add_post(author=marguerite, title="What the frost left", body=LOREM[0], labels=["Garden"], days_ago=0)
    )
    scene.posts.append(
        add_post(
            author=tomasz,
            title="A starter called Boris",
            body=LOREM[1] + "\n\n```\nflour 500 g\nwater 350 g\nstarter 100 g\nsalt 10 g\n```",
            labels=["Bread", "Recipes"],
            days_ago=1,
        )
    )
    scene.posts.append(add_post(author=karen, title="Finishing early", body=LOREM[1], labels=["Work"], days_ago=3))
    scene.posts.append(
        add_post(
            author=marguerite, title="Seed lists in pencil", body=LOREM[2], labels=["Garden", "History"], days_ago=5
        )
    )
    scene.posts.append(add_post(author=karen, title="The first frost", body=LOREM[0], labels=["Life"], days_ago=9))

    scene.thread_post = thread_post
    stack = []
    start = timezone.now() - timedelta(hours=20)
    for index, (who, depth, body) in enumerate(THREAD):
        stack = stack[:depth]
        parent = stack[-1] if stack else None
        comment = add_comment(
            post=thread_post,
            author=scene.people[who],
            body=body,
            parent=parent,
            when=start + timedelta(minutes=37 * index),
        )
        stack.append(comment)
        scene.comments.append(comment)
    return scene


def with_moderation_work(scene: Scene) -> Scene:
    """Adds a staff member and two newcomers' first comments, held for moderation on Karen's posts."""
    scene.people["staff"] = UserFactory(
        username="moderator", display_name="Site staff", is_staff=True, is_superuser=True
    )
    for username, display_name, post, body in [
        ("noor", "Noor Haddad", scene.posts[3], "Finishing early is the best feeling. Congratulations!"),
        ("olek", "Olek", scene.thread_post, "My list has one item so far: *found my keys*."),
    ]:
        scene.people[username] = UserFactory(username=username, display_name=display_name)
        scene.comments.append(add_comment(post=post, author=scene.people[username], body=body, status="pending"))
    return scene
