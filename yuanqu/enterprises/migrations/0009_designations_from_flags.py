"""Turn the former single flags (is_high_tech, srdi_level, listing) into designations (梯度培育).

The flags carried no date, so the recognition date is unknown: ``recognised_on`` and ``valid_until`` stay empty
and ``source`` says the row was migrated (a district clerk completes the date and certificate number from the
certificate). The flags stay as the cache of the current state, which now only the designation services write.
"""

from django.db import migrations

SOURCE = "由原标记迁移（认定日期未知）"
SRDI = {"innovative_sme": "innovative_sme", "provincial": "srdi_sme", "little_giant": "little_giant"}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Designation = apps.get_model("enterprises", "Designation")
    rows = []
    flagged = (Enterprise.objects.exclude(is_high_tech=False, srdi_level="", listing="unlisted")
               .values_list("pk", "is_high_tech", "srdi_level", "listing"))

    created = dict(Enterprise.objects.exclude(listing="unlisted").values_list("pk", "created_at__date"))
    for pk, high_tech, srdi, listing in flagged.iterator():
        if high_tech:
            rows.append(Designation(enterprise_id=pk, kind="high_tech", source=SOURCE))
        if srdi in SRDI:
            rows.append(Designation(enterprise_id=pk, kind=SRDI[srdi], source=SOURCE))
        if listing and listing != "unlisted":
            # listed on an unknown date: a listing needs its date to count as listed, so it takes the day the
            # enterprise's record was created (the flag was true by then), and the source says the date is a stand-in
            rows.append(Designation(enterprise_id=pk, kind="listing", board=listing, listed_on=created[pk],
                                    source=SOURCE + "；上市日期取企业建档日"))
    Designation.objects.bulk_create(rows, batch_size=1000)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("enterprises", "Designation").objects.filter(source__startswith=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0008_designation")]

    operations = [migrations.RunPython(forwards, backwards)]
