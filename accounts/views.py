from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from .forms import ProfileForm
from .models import User
from .services import update_profile


def verify_email_response(request, *, purpose: str) -> HttpResponse:
    """The 403 page for a signed-in user without a confirmed email address, from any view that writes:
    why they are refused, and a button that sends the link again. Nothing is sent until they press it
    (allauth's own `verified_email_required` sends a mail as a side effect of a GET). `purpose` completes
    "To … you need a confirmed email address"."""
    return render(request, "accounts/verify_email_required.html", {"purpose": purpose}, status=403)


@login_required
def profile_edit(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            update_profile(form=form)
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:profile")
        # The failed form's instance already carries the rejected values; show the stored ones beside it.
        request.user.refresh_from_db()
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "accounts/profile_form.html", {"form": form, "profile": request.user})


@require_safe
def about(request, username):
    """A user's public profile page: the person with their blog (one query), and their recent posts and
    comments (one query each, from the posts and comments apps' template tags)."""
    profile = get_object_or_404(User.objects.select_related("blog").named(username), is_active=True)
    if profile.username != username:
        return redirect("accounts:about", username=profile.username, permanent=True)
    return render(request, "accounts/about.html", {"profile": profile})
