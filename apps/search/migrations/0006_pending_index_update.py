from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0005_postings")]

    operations = [
        migrations.CreateModel(
            name="PendingIndexUpdate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("doc_type", models.CharField(max_length=16)),
                ("obj_id", models.CharField(max_length=40)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
