"""Cohorts and the learning flow. Split into modules; every model is re-exported here."""

from ..certificates.models import Certificate, CertificateBatch, CertificateCounter, CertificateTemplate
from .cohort import Cohort, LiveSession, SeatQuota
from .enrollment import BulkOperation, Enrollment, EnrollmentEvent, Nomination
from .learning import (
    REVIEW_COMMENT_MAX_CHARS,
    RUBRIC_COMMENT_MAX_CHARS,
    Announcement,
    AnnouncementRead,
    Attendance,
    LessonProgress,
    Question,
    Review,
    RubricScore,
    Submission,
    SubmissionVersion,
    VideoPosition,
)
from .quiz import QuizAnswer, QuizAttempt

__all__ = [
    "QuizAnswer",
    "QuizAttempt",
    "REVIEW_COMMENT_MAX_CHARS",
    "RUBRIC_COMMENT_MAX_CHARS",
    "RubricScore",
    "Certificate",
    "CertificateBatch",
    "CertificateCounter",
    "CertificateTemplate",
    "Announcement",
    "AnnouncementRead",
    "Attendance",
    "LessonProgress",
    "Question",
    "Review",
    "Submission",
    "VideoPosition",
    "SubmissionVersion",
    "BulkOperation",
    "Cohort",
    "Enrollment",
    "EnrollmentEvent",
    "LiveSession",
    "Nomination",
    "SeatQuota",
]
