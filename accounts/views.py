from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from .forms import ProfileForm
from .models import User
from .services import update_profile


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
    """A user's public profile page (one query)."""
    profile = get_object_or_404(User, username__iexact=username, is_active=True)
    if profile.username != username:
        return redirect("accounts:about", username=profile.username, permanent=True)
    return render(request, "accounts/about.html", {"profile": profile})
