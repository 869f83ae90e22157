import django_filters

from apps.workers.models import SocialWorker, Training


class WorkerFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=SocialWorker.Level.choices)
    skill = django_filters.CharFilter(field_name="skills__code", max_length=40)
    verified = django_filters.BooleanFilter()

    class Meta:
        model = SocialWorker
        fields = ["level", "verified"]


class TrainingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Training.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Training.Kind.choices)
    worker = django_filters.NumberFilter(field_name="worker_id", min_value=1, max_value=2**63 - 1)

    class Meta:
        model = Training
        fields = ["status", "kind", "worker"]
