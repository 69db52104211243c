from django.core.exceptions import ValidationError


class CohortError(ValidationError):
    """A rule about cohorts or learning was broken; the message is shown to the user as is."""
