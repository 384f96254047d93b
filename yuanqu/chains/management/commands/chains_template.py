"""Load a shipped reference chain (生物医药, 数字经济) into a district: ``yuanqu chains_template biomed --user staff``.

The user must be district staff of the region the chain is for (its own region unless ``--region`` names one
inside it); the chain is made through the services, so it is validated and audited like one made on the page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yuanqu.accounts.models import User
from yuanqu.chains import services
from yuanqu.chains.templates import TEMPLATES
from yuanqu.core.models import Region


class Command(BaseCommand):
    help = "Load a reference industry chain template into a district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("template", choices=sorted(TEMPLATES))
        parser.add_argument("--user", required=True, help="username of a region_staff account")
        parser.add_argument("--region", default="", help="6-digit region code (default: the user's region)")
        parser.add_argument("--name", default="", help="chain name (default: the template's)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']}")
        region = None
        if options["region"]:
            region = Region.objects.filter(pk=options["region"]).first()
            if region is None:
                raise CommandError(f"no region {options['region']}")
        try:
            chain = services.chain_from_template(actor=user, key=options["template"], region=region,
                                                 name=options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except Exception as exc:  # PermissionDenied: not district staff
            raise CommandError(str(exc) or type(exc).__name__) from exc
        self.stdout.write(f"chain {chain.pk} {chain.name}: {chain.nodes.count()} nodes")
