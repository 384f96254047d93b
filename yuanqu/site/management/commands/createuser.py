"""``yuanqu createuser``: create any account on the server, including admins and auditors.

The app lets a region admin create business accounts only; the admin and auditor accounts of
the 三权分立 split are made here, by whoever runs the server. The password is printed once.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.models import Region
from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park


class Command(BaseCommand):
    help = "Create an account of any role; prints its generated password once"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", required=True, help="6-digit division code, e.g. 370213")
        parser.add_argument("--park", action="append", type=int, default=[], help="park id (park operators)")
        parser.add_argument("--enterprise", help="USCC of the enterprise (enterprise users)")
        parser.add_argument("--name", default="", help="display name")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        region = Region.objects.filter(pk=opts["region"]).first()
        if region is None:
            raise CommandError(f"unknown region {opts['region']}")
        enterprise = Enterprise.objects.by_uscc(opts["enterprise"]).first() if opts["enterprise"] else None
        if opts["role"] == Role.ENTERPRISE_USER and enterprise is None:
            raise CommandError("an enterprise user needs --enterprise USCC of a registered enterprise")
        parks = list(Park.objects.in_region(region.code).filter(pk__in=opts["park"]))
        if opts["role"] == Role.PARK_OPERATOR and not parks:
            raise CommandError("a park operator needs --park ID of a park in the region")
        user, password = user_create_on_server(role=opts["role"], region=region, username=opts["username"],
                                               parks=parks, enterprise=enterprise, display_name=opts["name"])
        self.stdout.write(f"created {user.username} ({user.get_role_display()}); password: {password}")
