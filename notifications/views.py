"""The user's email settings, and the one-click unsubscribe of every email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from athletes.access import role_of
from notifications import services
from notifications.forms import CoachEmailPreferencesForm, EmailPreferencesForm
from notifications.tokens import BadToken, read_token


@login_required
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own preferences: no id in the address, so nobody else's are
    reachable."""
    role = role_of(request.user)
    if role is None:
        raise PermissionDenied("Only coaches and athletes have email settings.")
    assert isinstance(request.user, User)
    preferences = services.preferences_for(request.user)
    form_class = CoachEmailPreferencesForm if role == "coach" else EmailPreferencesForm
    form = form_class(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Email settings saved.")
        return redirect("notifications:settings")
    status = 422 if form.is_bound else 200
    base = "phone/base.html" if role == "athlete" else "base.html"
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "base": base,
            "nav": "settings",
            "role": role,
        },
        status=status,
    )


# The signed token is the proof of who asks (no session, no CSRF token: a mail client's
# one-click POST, RFC 8058, carries neither). GET only shows a confirm button, so a link
# scanner that follows the address unsubscribes nobody.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = read_token(token)
    except BadToken as error:
        return render(
            request, "notifications/unsubscribe_invalid.html", {"error": str(error)}, status=400
        )
    if not User.objects.filter(pk=user_id).exists():
        raise Http404("This account no longer exists.")
    if request.method == "POST":
        services.set_preference(user_id=user_id, kind=kind, on=False)
        return render(request, "notifications/unsubscribed.html", {"kind": kind})
    return render(request, "notifications/unsubscribe.html", {"kind": kind})
