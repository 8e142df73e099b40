"""A user who may no longer log in may no longer call the API either: every path that
deactivates a user (the roster page, the API, the admin's user form or athlete action) saves
the user, so the API tokens go here rather than in each of them. A changed password ends them
too, but in the database (athletes/migrations/0003): a bulk update changes one unseen."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models.signals import post_save
from django.dispatch import receiver
from knox.models import AuthToken


@receiver(post_save, sender=get_user_model(), dispatch_uid="athletes.revoke_tokens_on_deactivation")
def revoke_tokens_of_inactive_users(sender: type[User], instance: User, **kwargs: Any) -> None:
    if not instance.is_active:
        AuthToken.objects.filter(user=instance).delete()
