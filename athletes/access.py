"""Who may see and change what: the one place every coach page asks.

A user who is not a coach gets 403 on a coach page. An athlete of another coach (or an id that
does not exist) is 404 for everyone, so ids don't leak whose they are.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from athletes.models import Athlete, Coach
from plan_templates.models import ApplyBatch, PlanTemplate, TemplateApplication
from plans.domain.units import Unit
from plans.models import PlanStatus, WeeklyPlan
from workouts.models import LiftSession, RunSession

# Who asks: request.user as Django and DRF type it (the default user model, or nobody).
type AnyUser = User | AnonymousUser


def coach_for(user: AnyUser) -> Coach:
    """The coach behind a logged-in user, or PermissionDenied (athletes, staff without a roster,
    anonymous users: views put login_required in front, so those never reach here)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied("Log in as a coach.")
    try:
        return user.coach
    except Coach.DoesNotExist:
        raise PermissionDenied("Only coaches may open this page.") from None


def athletes_for(user: AnyUser, *, include_inactive: bool = False) -> QuerySet[Athlete]:
    """The athletes a user coaches (active ones unless asked), with their users."""
    coach = coach_for(user)
    athletes = Athlete.objects.filter(coach=coach).select_related("user")
    if not include_inactive:
        athletes = athletes.filter(is_active=True)
    return athletes


def get_athlete_for(user: AnyUser, pk: int, *, include_inactive: bool = False) -> Athlete:
    """One of the user's athletes, or 404; 403 first when the user is no coach at all."""
    try:
        return athletes_for(user, include_inactive=include_inactive).get(pk=pk)
    except Athlete.DoesNotExist:
        raise Http404("No such athlete on your roster.") from None


# A coach's plan templates, their apply batches and applications: the coach's own only; another
# coach's (or a missing id) is 404.


def templates_for(user: AnyUser) -> QuerySet[PlanTemplate]:
    return PlanTemplate.objects.filter(coach=coach_for(user))


def get_template_for(user: AnyUser, pk: int) -> PlanTemplate:
    try:
        return templates_for(user).get(pk=pk)
    except PlanTemplate.DoesNotExist:
        raise Http404("No such template of yours.") from None


def get_batch_for(user: AnyUser, pk: int) -> ApplyBatch:
    try:
        return ApplyBatch.objects.select_related("template").get(pk=pk, coach=coach_for(user))
    except ApplyBatch.DoesNotExist:
        raise Http404("No such batch of yours.") from None


def get_application_for(user: AnyUser, pk: int) -> TemplateApplication:
    try:
        return TemplateApplication.objects.select_related("template", "athlete__user").get(
            pk=pk, template__coach=coach_for(user)
        )
    except TemplateApplication.DoesNotExist:
        raise Http404("No such application of yours.") from None


# Both roles: the API, the phone pages and the calendar feed ask here.


def role_of(user: AnyUser) -> str | None:
    """ "coach", "athlete" or None (anonymous, inactive, or a user with neither profile)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, "coach"):
        return "coach"
    if hasattr(user, "athlete"):
        return "athlete"
    return None


def athlete_scope(user: AnyUser) -> dict[str, int] | None:
    """Who sees which athlete, the one rule, as the athlete fields that must match: a coach
    their whole roster (inactive athletes too, so their history stays reachable), an athlete
    only themselves, anyone else nobody (None). Data rather than a query, so that the week API's
    head (plans.selectors.read_head) applies the same rule in its one SQL query as
    visible_athletes does through the ORM."""
    match role_of(user):
        # A role is a signed-in user's, never AnonymousUser's.
        case "coach":
            assert not isinstance(user, AnonymousUser)
            # By the coach's id (role_of has loaded the profile): no join to the coaches.
            return {"coach_id": user.coach.pk}
        case "athlete":
            assert not isinstance(user, AnonymousUser)
            return {"user_id": user.pk}
    return None


def visible_athletes(user: AnyUser) -> QuerySet[Athlete]:
    """Every athlete the user may see (athlete_scope), with their users."""
    scope = athlete_scope(user)
    if scope is None:
        return Athlete.objects.none()
    return Athlete.objects.select_related("user").filter(**scope)


def get_visible_athlete(user: AnyUser, pk: int) -> Athlete:
    """An athlete the user may see, or 404 (never 403: ids don't leak whose they are)."""
    try:
        return visible_athletes(user).get(pk=pk)
    except (Athlete.DoesNotExist, ValueError, TypeError):
        raise Http404("No such athlete.") from None


def may_plan_for(user: AnyUser, athlete: Athlete) -> bool:
    """Only an athlete's own coach changes their plan; the athlete logs what they did."""
    return (
        role_of(user) == "coach"
        and athlete.coach is not None
        and (athlete.coach.user_id == user.pk)
    )


def published_only(user: AnyUser) -> bool:
    """Athletes see a week once its plan is published; coaches see drafts too."""
    return role_of(user) == "athlete"


def visible_sessions[S: (RunSession, LiftSession)](user: AnyUser, model: type[S]) -> QuerySet[S]:
    """Run or lift sessions the user may see: their athletes', and for an athlete only the
    weeks whose plan is published."""
    sessions = model.objects.filter(athlete__in=visible_athletes(user))
    if published_only(user):
        sessions = sessions.filter(plan__status=PlanStatus.PUBLISHED)
    return sessions


def get_visible_session[S: (RunSession, LiftSession)](user: AnyUser, model: type[S], pk: int) -> S:
    try:
        return visible_sessions(user, model).select_related("athlete__user", "plan").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.") from None


def athlete_of(user: AnyUser) -> Athlete:
    """The athlete behind a logged-in user, for the athlete's own (phone) pages. Coaches and
    anyone else get 403: these pages log what the athlete did, and a coach has the week page."""
    if role_of(user) != "athlete":
        raise PermissionDenied("These pages are for athletes; coaches use the week page.")
    assert not isinstance(user, AnonymousUser)  # a role is a signed-in user's
    return user.athlete


# What each role may do beyond seeing: the API's permission class, the API views and the
# calendar feed ask these, after scoping by the querysets above (scope first: 404 before 403).

# "may set status, actual_start, actual_duration_minutes and notes on their own sessions"
ATHLETE_SESSION_FIELDS = frozenset({"status", "actual_start", "actual_duration_minutes", "notes"})


def is_self(user: AnyUser, athlete: Athlete) -> bool:
    return role_of(user) == "athlete" and athlete.user_id == user.pk


def may_add_athletes(user: AnyUser) -> bool:
    return role_of(user) == "coach"


def may_add_sessions(user: AnyUser) -> bool:
    """Only coaches plan sessions; an athlete adding a run is refused whatever the athlete."""
    return role_of(user) == "coach"


def may_change_session(user: AnyUser, session: RunSession | LiftSession, fields: set[str]) -> bool:
    """The coach changes anything; the athlete only how their own session went."""
    if may_plan_for(user, session.athlete):
        return True
    return is_self(user, session.athlete) and fields <= ATHLETE_SESSION_FIELDS


def may_log_sets(user: AnyUser, session: LiftSession) -> bool:
    return may_plan_for(user, session.athlete) or is_self(user, session.athlete)


def may_upload_run_files(user: AnyUser, athlete: Athlete) -> bool:
    """The athlete's watch files: the athlete sends them from the phone, the coach from the
    athlete's week (a run the athlete forgot to log)."""
    return may_plan_for(user, athlete) or is_self(user, athlete)


def may_see_week(user: AnyUser, plan: WeeklyPlan | None) -> bool:
    """A week with no plan yet is a draft: coaches see it, athletes don't."""
    return not published_only(user) or (plan is not None and plan.is_published)


def may_see_calendar_feed(user: AnyUser, athlete: Athlete) -> bool:
    """The feed's address is for the athlete and their coach only."""
    return may_plan_for(user, athlete) or is_self(user, athlete)


def calendar_athlete(token: str) -> Athlete:
    """The active athlete whose feed secret this is, or 404: the secret is the feed's only
    credential, and a deactivated athlete's feed stops with their login."""
    try:
        return Athlete.objects.select_related("user").get(
            calendar_token=token, is_active=True, user__is_active=True
        )
    except (Athlete.DoesNotExist, ValueError, TypeError):
        raise Http404("No such calendar.") from None


# Lists of a coach's apply batches and template applications (the API's lists): the coach's
# own only, as get_batch_for and get_application_for find one.


def batches_for(user: AnyUser) -> QuerySet[ApplyBatch]:
    return ApplyBatch.objects.filter(coach=coach_for(user))


def applications_for(user: AnyUser) -> QuerySet[TemplateApplication]:
    return TemplateApplication.objects.filter(template__coach=coach_for(user))


def viewer_units(user: AnyUser) -> Unit:
    """The unit the user reads and types loads in: a coach's own, an athlete's own, else
    kilograms (the API's unit). The user's profiles come with it (athletes.backends), so this
    costs no query on a page."""
    match role_of(user):
        case "coach":
            return Unit(coach_for(user).units)
        case "athlete":
            return Unit(athlete_of(user).units)
    return Unit.KG
