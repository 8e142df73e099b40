import secrets

from django.db import migrations, models

import athletes.models


def give_every_athlete_a_token(apps, schema_editor):
    Athlete = apps.get_model("athletes", "Athlete")
    for athlete in Athlete.objects.filter(calendar_token__isnull=True).only("pk"):
        athlete.calendar_token = secrets.token_urlsafe(32)
        athlete.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):
    dependencies = [
        ("athletes", "0001_initial"),
    ]

    # Added empty, filled one by one (each athlete its own secret), then made unique.
    operations = [
        migrations.AddField(
            model_name="athlete",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(give_every_athlete_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="athlete",
            name="calendar_token",
            field=models.CharField(
                default=athletes.models.new_calendar_token,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
