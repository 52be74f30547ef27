"""Content for the browser tests and screenshots: a small, lively site written through the apps' models."""

from dataclasses import dataclass, field
from datetime import timedelta

import markdown
from django.utils import timezone

from accounts.tests.factories import UserFactory
from comments.models import Comment, path_segment
from posts.models import Blog, Label, Post

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


def render(text: str) -> str:
    return markdown.markdown(text)


def add_comment(*, post, author, body, parent=None, status=Comment.Status.APPROVED, when=None):
    comment = Comment.objects.create(
        post=post,
        author=author,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        body=body,
        body_html=render(body),
        status=status,
    )
    comment.path = (parent.path if parent else "") + path_segment(comment.pk)
    comment.save(update_fields=["path"])
    if when is not None:
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def add_post(*, author, title, body, labels=(), days_ago=0, status=Post.Status.PUBLISHED, excerpt=""):
    when = timezone.now() - timedelta(days=days_ago, hours=2)
    post = Post.objects.create(
        author=author,
        title=title,
        slug=title.lower().replace(" ", "-").replace(",", "").replace("'", "")[:60],
        body=body,
        body_html=render(body),
        excerpt=excerpt or body.split("\n\n")[0].replace("*", ""),
        status=status,
        published_at=None if status == Post.Status.DRAFT else when,
        word_count=len(body.split()),
    )
    for name in labels:
        label, _ = Label.objects.get_or_create(slug=name.lower(), defaults={"name": name})
        post.labels.add(label)
    return post


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
    Blog.objects.create(
        owner=karen, title="Ordinary Weeks", description="Work, weather and the small victories of ordinary weeks."
    )
    Blog.objects.create(
        owner=marguerite, title="Plot 14", description="Notes from a small allotment, and the history under it."
    )
    Blog.objects.create(owner=tomasz, title="Bread by Night", description="Software by day, sourdough after dark.")

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
