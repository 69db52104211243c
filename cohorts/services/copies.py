"""The copy check: run by a worker after each submitted version (queued on commit by `submission_submit`),
never inside the teacher's request.

The latest version's text is fingerprinted (core/fingerprint.py: word shingles, blind to sentence order,
case, punctuation and spacing) and compared with the latest answer of every other teacher to the same
assignment — in this cohort and in every other cohort of the course, earlier ones included. The answer
whose shingles hold the largest share of this one's is the match, if that share reaches
COHORTS_COPY_SIMILARITY_THRESHOLD; the matched answer is flagged back while it still waits for review.
A flagged answer must have its flag confirmed or dismissed by the reviewer (`review_submit`).
See docs/decisions/0141-copydetect-shingles.md."""

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery

from cohorts.scopes import learning_changed
from core import fingerprint as fp

from ..models import Submission, SubmissionVersion

CHUNK = 500


def copy_similarity_threshold() -> float:
    return float(getattr(settings, "COHORTS_COPY_SIMILARITY_THRESHOLD", 0.5))


def _latest_text():
    return Subquery(
        SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("-number").values("text")[:1]
    )


def _others(submission: Submission):
    """(id, fingerprint) of every other teacher's answer to the assignment, oldest first. Answers not yet
    fingerprinted (their check is queued, or they predate it) are fingerprinted here from their latest
    text, and stored only if no newer version came meanwhile."""
    base = (
        Submission.objects.filter(assignment_id=submission.assignment_id)
        .exclude(pk=submission.pk)
        .exclude(enrollment__teacher_id=submission.enrollment.teacher_id)
        .order_by("submitted_at", "pk")
    )
    stored = base.filter(fingerprint__isnull=False).values_list("pk", "fingerprint")
    for other_id, data in stored.iterator(chunk_size=CHUNK):
        yield other_id, fp.unpack(data)
    missing = (
        base.filter(fingerprint__isnull=True)
        .annotate(text=_latest_text())
        .values_list("pk", "version_count", "text")
    )
    for other_id, version_count, text in missing.iterator(chunk_size=CHUNK):
        hashes = fp.fingerprint(text or "")
        Submission.objects.filter(pk=other_id, version_count=version_count, fingerprint__isnull=True).update(
            fingerprint=fp.pack(hashes)
        )
        yield other_id, hashes


def submission_check_copy(*, submission_id: int) -> Submission | None:
    """Fingerprint the latest version and record its closest match (or none). Idempotent: a second run
    finds the same match; a run for a version already replaced by a newer one records nothing stale,
    because the newer version's own check runs after it."""
    submission = Submission.objects.select_related("enrollment").filter(pk=submission_id).first()
    if submission is None:
        return None
    version = submission.versions.order_by("-number").values_list("number", "text").first()
    if version is None:
        return None
    number, text = version
    own = fp.fingerprint(text)
    threshold = copy_similarity_threshold()
    best_id, best, back = None, 0.0, 0.0
    if len(own) >= fp.MIN_SHINGLES:
        for other_id, other in _others(submission):
            score = fp.containment(own, other)
            if score > best:
                best_id, best, back = other_id, score, fp.containment(other, own)
    matched = best_id is not None and best >= threshold
    with transaction.atomic():
        updated = Submission.objects.filter(pk=submission.pk, version_count=number).update(
            fingerprint=fp.pack(own),
            similar_to_id=best_id if matched else None,
            similarity=round(best, 3) if matched else None,
        )
        if not updated:
            return submission  # a newer version came meanwhile: its own check decides
        changed = [submission.enrollment_id]
        if matched and best_id is not None and back >= threshold:
            # The answer copied from is flagged too while it waits for review (two teachers may share one answer).
            flagged_back = Submission.objects.filter(
                pk=best_id, state=Submission.State.SUBMITTED, similar_to__isnull=True
            ).update(similar_to_id=submission.pk, similarity=round(back, 3))
            if flagged_back:
                changed += Submission.objects.filter(pk=best_id).values_list("enrollment_id", flat=True)
        learning_changed(*changed)
    submission.refresh_from_db()
    return submission
