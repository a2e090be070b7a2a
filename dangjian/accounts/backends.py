"""Login by username in its normal form (``accounts.usernames``): "ＣＯＵＮＴＹ" or "County" typed at
the login page is the account "county". An account made before names were normalised keeps working
under the exact name it was made with."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .usernames import normalised_username


class NormalisedUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            normal = normalised_username(username)
            if get_user_model()._default_manager.filter(username=normal).exists():
                username = normal
        return super().authenticate(request, username=username, password=password, **kwargs)
