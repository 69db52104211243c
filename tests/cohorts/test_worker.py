"""A bulk operation on a real Celery worker: chunks run in the background, the record shows progress."""

from cohorts.models import BulkOperation, Enrollment
from cohorts.services import bulk_operation_start
from tests.conftest import requires_broker, requires_postgres, wait_for
from tests.factories import SchoolAdminFactory, TeacherFactory

from .factories import CohortFactory

pytestmark = [requires_postgres(), requires_broker]


def test_bulk_nomination_runs_on_a_real_worker(real_worker):
    admin = SchoolAdminFactory()
    teachers = TeacherFactory.create_batch(120, school=admin.school)
    cohort = CohortFactory(capacity=200)
    real_worker("cohorts-bulk")
    op = bulk_operation_start(kind="nominate", cohort=cohort, actor=admin, ids=[t.pk for t in teachers])
    assert op.total == 120
    wait_for(lambda: BulkOperation.objects.get(pk=op.pk).state == BulkOperation.State.DONE, timeout=180)
    op.refresh_from_db()
    assert (op.done, op.failed, op.percent) == (120, 0, 100)
    assert Enrollment.objects.filter(cohort=cohort, state=Enrollment.State.NOMINATED).count() == 120
    assert op.finished_at is not None


def test_the_copy_check_runs_on_a_real_worker_after_commit(real_worker):
    """Submitted through the service (committed, as a request does); the worker finds the copy."""
    from cohorts.models import Submission
    from cohorts.services import submission_submit

    from .factories import AssignmentFactory, EnrollmentFactory, ModuleFactory
    from .test_copy_detection import DISGUISED, ORIGINAL

    module = ModuleFactory()
    assignment = AssignmentFactory(module=module)
    cohort = CohortFactory(course=module.course)
    real_worker("cohorts-copies")
    a = submission_submit(enrollment=EnrollmentFactory(cohort=cohort), assignment=assignment, text=ORIGINAL)
    wait_for(lambda: Submission.objects.filter(pk=a.pk, fingerprint__isnull=False).exists())
    b = submission_submit(enrollment=EnrollmentFactory(cohort=cohort), assignment=assignment, text=DISGUISED)
    wait_for(lambda: Submission.objects.filter(pk=b.pk, similar_to__isnull=False).exists())
    b.refresh_from_db()
    assert (b.similar_to_id, b.similarity) == (a.pk, 1.0)
