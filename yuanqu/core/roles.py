"""The six roles of DESIGN.md and what each may grant (三权分立)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's one role. System admin, auditor and business roles are kept apart (等保三级)."""

    REGION_ADMIN = "region_admin", _("System administrator")
    AUDITOR = "auditor", _("Audit administrator")
    REGION_STAFF = "region_staff", _("District staff")
    LEADER = "leader", _("Leader")
    PARK_OPERATOR = "park_operator", _("Park operator")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")


#: Roles that see business data of a whole region.
REGION_WIDE = frozenset({Role.REGION_STAFF, Role.LEADER})
#: Roles that see no business data at all.
NO_BUSINESS_DATA = frozenset({Role.REGION_ADMIN, Role.AUDITOR})
#: The roles a region_admin may grant through the app. Admin and auditor accounts are created
#: only on the server (``yuanqu createuser``), so no in-app account can mint the other two
#: powers of the 三权分立 split.
GRANTABLE_BY_REGION_ADMIN = (Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR, Role.ENTERPRISE_USER)
#: Roles allowed to write business data.
WRITERS = frozenset({Role.REGION_STAFF, Role.PARK_OPERATOR, Role.ENTERPRISE_USER})
