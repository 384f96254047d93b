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
#: The accounts the web app never creates, edits, resets or unlocks, whoever asks: only the server's commands
#: (``yuanqu createuser``, ``yuanqu resetpassword``, ``yuanqu unlock``) touch them.
SERVER_MANAGED = frozenset({Role.REGION_ADMIN, Role.AUDITOR})
#: Roles allowed to write business data.
WRITERS = frozenset({Role.REGION_STAFF, Role.PARK_OPERATOR, Role.ENTERPRISE_USER})

#: Roles that see the rows of the parks they run.
PARK_SIDE = frozenset({Role.PARK_OPERATOR})
#: Roles that see the rows of their own enterprise.
ENTERPRISE_SIDE = frozenset({Role.ENTERPRISE_USER})
#: Roles that see the shared dictionaries (every signed-in role but the auditor, who reads the audit log only).
DICTIONARY_READERS = frozenset({Role.REGION_ADMIN, Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR,
                                Role.ENTERPRISE_USER})
#: Roles that set business rules: the indicator dictionary, a region's investment-promotion settings (and
#: policies later). District staff only: the system administrator manages accounts and technical settings, not
#: the rules the business runs by (三权分立, issue 12 M5).
CONFIGURERS = frozenset({Role.REGION_STAFF})
#: Edit rights, by who negotiates the data: the district alone (cases, rounds, targets) ...
EDIT_REGION = frozenset({Role.REGION_STAFF})
#: ... the district and the park's operator (parks, settlements, leads, projects, imports) ...
EDIT_PARK = frozenset({Role.REGION_STAFF, Role.PARK_OPERATOR})
#: ... or also the enterprise itself (its own record).
EDIT_ENTERPRISE = frozenset({Role.REGION_STAFF, Role.PARK_OPERATOR, Role.ENTERPRISE_USER})
#: Roles that read the parks' data (lists, dashboards, rounds): the district roles and the parks' operators.
TENANT_READERS = frozenset({Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR})
#: Every business role (no system administrator, no auditor).
BUSINESS_ROLES = frozenset({Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR, Role.ENTERPRISE_USER})
#: Roles that fill in statistics reports: the enterprise, and district staff on its behalf.
REPORT_FILLERS = frozenset({Role.ENTERPRISE_USER, Role.REGION_STAFF})
#: Roles whose accounts scope is a region: user administration (region admins see their region's users).
USER_ADMINS = frozenset({Role.REGION_ADMIN})
#: Roles that read the audit log.
AUDIT_READERS = frozenset({Role.AUDITOR})
