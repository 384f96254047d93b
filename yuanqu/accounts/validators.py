"""Password rules for 等保三级: length (settings) plus at least three character classes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require three of: lower case, upper case, digits, symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("The password must mix at least three of: lower-case letters, capitals, digits, symbols."),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _("Use at least three of: lower-case letters, capitals, digits, symbols.")


class PasswordHistoryValidator:
    """Refuse the current password and the ones before it, up to ``settings.PASSWORD_HISTORY`` in all.

    The history keeps only hashes (:class:`yuanqu.accounts.models.PasswordHistory`); each is checked with the
    hasher that made it.
    """

    def validate(self, password: str, user: Any = None) -> None:
        from django.conf import settings
        from django.contrib.auth.hashers import check_password

        count = settings.PASSWORD_HISTORY
        if user is None or getattr(user, "pk", None) is None or count <= 0:
            return
        hashes = list(user.password_history.values_list("password", flat=True)[:count])
        if user.password and user.password not in hashes:
            hashes = [user.password, *hashes][:count]
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                _("The password must differ from your last %(count)d passwords.") % {"count": count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        from django.conf import settings

        return _("It must differ from your last %(count)d passwords.") % {"count": settings.PASSWORD_HISTORY}
