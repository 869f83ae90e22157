"""Beat used to start every job in one task (``run-scheduled-jobs``); it now starts one task per
job. The database scheduler keeps entries it once synced, so the old one is removed here."""

from django.db import migrations


def remove_the_all_jobs_entry(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="run-scheduled-jobs").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_policy_api_token_days"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(remove_the_all_jobs_entry, migrations.RunPython.noop)]
