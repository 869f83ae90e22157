from apps.core.models import Category, PolicyVersion


def policy_current() -> PolicyVersion:
    """The policy version in force now; the defaults of DESIGN.md if none was ever saved."""
    latest = PolicyVersion.objects.order_by("-version").first()
    if latest is None:
        latest, _ = PolicyVersion.objects.get_or_create(version=1, defaults={"note": "defaults"})
    return latest


def category_list():
    return Category.objects.all()
