"""Recovery codes (django-otp static tokens) stored in the clear until now are replaced by their keyed hash
(``yuanqu.accounts.services.recovery_code_hash``; the same computation is written out here, so that the migration
stays as it is if the service changes). The codes users hold keep working. Irreversible: a hash gives no code."""

from __future__ import annotations

import base64
from typing import Any

from django.db import migrations
from django.utils.crypto import salted_hmac

PREFIX, SALT = "$", "yuanqu.accounts.recovery_code"


def hash_plain_codes(apps: Any, schema_editor: Any) -> None:
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.using(schema_editor.connection.alias).exclude(token__startswith=PREFIX):
        digest = salted_hmac(SALT, token.token.strip().lower(), algorithm="sha256").digest()
        token.token = PREFIX + base64.urlsafe_b64encode(digest).decode()[:15]
        token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_identity"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
