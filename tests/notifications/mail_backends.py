"""Test e-mail backends: what leaves the machine, made to fail on demand."""

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Raises on the next ``failures`` sends (a class-level counter), then delivers to mail.outbox."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("smtp server down")
        return super().send_messages(messages)
