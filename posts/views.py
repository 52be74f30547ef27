from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Post

User = get_user_model()


def front_page(request):
    posts = Post.objects.published().for_listing()
    page = Paginator(posts, 10).get_page(request.GET.get("page"))
    return render(request, "posts/front_page.html", {"page_obj": page, "posts": page.object_list})


def blog_home(request, username, year=None, month=None):
    author = get_object_or_404(User, username__iexact=username, is_active=True)
    posts = Post.objects.published().by(author).for_listing()
    page = Paginator(posts, 10).get_page(request.GET.get("page"))
    return render(request, "posts/blog.html", {"author": author, "page_obj": page, "posts": page.object_list})


def post_detail(request, username, year, month, slug):
    post = get_object_or_404(
        Post.objects.published().select_related("author"),
        author__username__iexact=username,
        published_at__year=year,
        published_at__month=month,
        slug=slug,
    )
    return render(request, "posts/post_detail.html", {"post": post})


def write(request):
    raise Http404


def edit(request, username, year, month, slug):
    raise Http404


def dashboard(request):
    raise Http404


def search(request):
    raise Http404


def placeholder(request):
    raise Http404
