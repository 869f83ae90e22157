"""DeliveryRating moves to projects (issue #19): its table is renamed to projects_deliveryrating,
rows and constraints kept, and the model leaves the stats state; projects 0004 takes it over."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0003_monthly_rollup'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='deliveryrating', table='projects_deliveryrating'),
            ],
            state_operations=[
                migrations.DeleteModel(name='DeliveryRating'),
            ],
        ),
    ]
