"""Cohorts and the learning flow. Split into modules; every model is re-exported here."""

from .cohort import Cohort, LiveSession, SeatQuota
from .enrollment import BulkOperation, Enrollment, EnrollmentEvent, Nomination

__all__ = [
    "BulkOperation",
    "Cohort",
    "Enrollment",
    "EnrollmentEvent",
    "LiveSession",
    "Nomination",
    "SeatQuota",
]
