from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from .forms import ProfileForm
from .models import User


@login_required
def profile_edit(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, "Your profile has been saved.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=request.user)
    return render(request, "accounts/profile_form.html", {"form": form})


def about(request, username):
    profile = get_object_or_404(User, username__iexact=username, is_active=True)
    if profile.username != username:
        return redirect("accounts:about", username=profile.username, permanent=True)
    return render(request, "accounts/about.html", {"profile": profile})
