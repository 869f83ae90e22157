"""DeliveryRating, moved from stats (issue #19). stats 0004 renamed the table to
projects_deliveryrating with its rows; this only adds the model to the projects state."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_milestone_attachment'),
        ('stats', '0004_deliveryrating_to_projects'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='DeliveryRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)], verbose_name='rating')),
                        ('comment', models.CharField(blank=True, max_length=500, verbose_name='comment')),
                        ('rated_on', models.DateField(db_index=True, verbose_name='rated on')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('milestone', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='delivery_rating', to='projects.milestone')),
                        ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='delivery_ratings', to='projects.project')),
                        ('rated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'constraints': [models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 5)), name='delivery_rating_1_to_5')],
                    },
                ),
            ],
        ),
    ]
