"""Who may see and change what: the one place every coach page asks.

A user who is not a coach gets 403 on a coach page. An athlete of another coach (or an id that
does not exist) is 404 for everyone, so ids don't leak whose they are.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from athletes.models import Athlete, Coach


def coach_for(user) -> Coach:
    """The coach behind a logged-in user, or PermissionDenied (athletes, staff without a roster,
    anonymous users: views put login_required in front, so those never reach here)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("Log in as a coach.")
    try:
        return user.coach
    except Coach.DoesNotExist:
        raise PermissionDenied("Only coaches may open this page.") from None


def athletes_for(user, *, include_inactive: bool = False) -> QuerySet[Athlete]:
    """The athletes a user coaches (active ones unless asked), with their users."""
    coach = coach_for(user)
    athletes = Athlete.objects.filter(coach=coach).select_related("user")
    if not include_inactive:
        athletes = athletes.filter(is_active=True)
    return athletes


def get_athlete_for(user, pk: int, *, include_inactive: bool = False) -> Athlete:
    """One of the user's athletes, or 404; 403 first when the user is no coach at all."""
    try:
        return athletes_for(user, include_inactive=include_inactive).get(pk=pk)
    except Athlete.DoesNotExist:
        raise Http404("No such athlete on your roster.") from None
