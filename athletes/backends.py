"""The login backend: Django's, except that a logged-in user comes with their coach or
athlete profile in the same query, so the access checks every page makes (athletes.access)
cost no query of their own."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User


class ProfileModelBackend(ModelBackend):
    def get_user(self, user_id: int) -> User | None:
        users = get_user_model()._default_manager.select_related("coach", "athlete")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
