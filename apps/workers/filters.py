import django_filters

from apps.workers.models import SocialWorker


class WorkerFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=SocialWorker.Level.choices)
    skill = django_filters.CharFilter(field_name="skills__code", max_length=40)
    verified = django_filters.BooleanFilter()

    class Meta:
        model = SocialWorker
        fields = ["level", "verified"]
