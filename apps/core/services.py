from django.db import transaction

from apps.core.errors import ValidationFailed
from apps.core.models import PolicyVersion
from apps.core.selectors import policy_current


@transaction.atomic
def policy_update(*, actor, changes: dict, note: str = "") -> PolicyVersion:
    """Save a new policy version with ``changes`` applied to the one in force."""
    unknown = sorted(set(changes) - set(PolicyVersion.POLICY_KEYS))
    if unknown:
        raise ValidationFailed(field_errors={key: ["Unknown policy key."] for key in unknown})
    current = policy_current()
    PolicyVersion.objects.select_for_update().filter(pk=current.pk).first()
    values = current.values() | changes
    new = PolicyVersion(version=current.version + 1, created_by=actor, note=note[:200], **values)
    new.full_clean()
    new.save()
    return new
