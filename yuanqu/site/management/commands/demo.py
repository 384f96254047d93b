"""``yuanqu demo``: migrate, load reference data and the Licang demo, create one account per role."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from yuanqu.core.demo import ARTICLE_DATE
from yuanqu.site.demo import demo_summary, load_demo


class Command(BaseCommand):
    help = "Set up the Licang demo (safe to run again: existing data is kept)"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compile_translations", verbosity=0)
        loaded, accounts = load_demo()
        self.stdout.write("Licang demo " + ("loaded." if loaded else "already present; kept as it is."))
        article = demo_summary(on=ARTICLE_DATE)
        self.stdout.write(f"  签约 · 入驻, as of {ARTICLE_DATE} (the news report) → today:")
        for name, figures in demo_summary().items():
            then = article.get(name, {"signed": 0, "moved_in": 0})
            self.stdout.write(f"  {name}: 签约 {then['signed']} · 入驻 {then['moved_in']} → "
                              f"签约 {figures['signed']} · 入驻 {figures['moved_in']}")
        if accounts:
            self.stdout.write("\nAccounts created now (passwords are shown this once; write them down):")
            for username, role, password in accounts:
                self.stdout.write(f"  {username:<12} {role:<10} {password}")
            self.stdout.write("admin, auditor, staff and leader also need a phone authenticator app (TOTP): at the "
                              "first log-in scan the QR code shown (or type its key), then keep the 10 recovery "
                              "codes. Lost it? yuanqu resetotp USERNAME")
        else:
            self.stdout.write("\nThe demo accounts exist already: admin, auditor, staff, leader, operator, enterprise.")
            self.stdout.write("Forgot a password? yuanqu changepassword USERNAME")
