"""An announcement reaches the cohort as written: the mail carries its HTML (with a plain-text part), the
in-site list a plain excerpt — never the raw Markdown."""

import pytest

from cohorts.models import Announcement
from cohorts.services.learning import announcement_notify_all
from notifications.models import Notification
from tests.factories import CuratorFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

BODY = "**Важно:** вебинар переносится на четверг, 18:00.\n\n- взять план урока\n- [ссылка](https://example.org/room)"


def test_the_notice_is_html_in_the_mail_and_plain_in_the_list(mailoutbox, django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    enrollment = EnrollmentFactory(cohort=cohort, state="enrolled", teacher__preferred_language="ru")
    note = Announcement.objects.create(
        cohort=cohort, author=CuratorFactory(), title="Перенос вебинара", body=BODY
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert announcement_notify_all(announcement_id=note.pk) == 1

    told = Notification.objects.get(recipient=enrollment.teacher, kind="announcement")
    assert (
        told.body
        == "Важно: вебинар переносится на четверг, 18:00. взять план урока ссылка (https://example.org/room)"
    )
    assert "**" not in told.body and "[" not in told.body
    [mail] = [m for m in mailoutbox if m.to == [enrollment.teacher.email]]
    html = dict((mime, content) for content, mime in mail.alternatives)["text/html"]
    assert "<strong>Важно:</strong>" in html
    assert '<a href="https://example.org/room"' in html
    assert "**" not in mail.body and "](https://" not in mail.body
