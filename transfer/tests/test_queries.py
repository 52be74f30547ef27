"""What an import costs in queries, whatever the file's size."""

import pytest
from django.db import connection

from comments.models import Comment
from transfer.bench_import import generate
from transfer.importer import import_blog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("posts", [1, 20])
def test_an_imports_comments_are_inserted_in_batches_not_once_per_post(user, tmp_path, posts):
    path = tmp_path / "blog.xml"
    generate(path, posts=posts, comments=posts * 3, comment_words=3, post_words=5)
    inserts = []

    def count_comment_inserts(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "comments_comment"'):
            inserts.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_comment_inserts):
        import_blog(path=path, author=user)

    assert Comment.objects.filter(post__author=user).count() == posts * 3
    assert len(inserts) == 1
