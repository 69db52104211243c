import pytest
from django.urls import reverse

from accounts.roles import sync_role_groups
from cohorts.models import BulkOperation, Cohort
from tests.factories import CuratorFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _groups():
    sync_role_groups()


def test_curator_sees_only_their_cohorts_in_the_admin(client):
    curator = CuratorFactory()
    mine = CohortFactory(curators=[curator], title="Mine")
    CohortFactory(title="Not mine")
    client.force_login(curator)
    page = client.get(reverse("admin:cohorts_cohort_changelist")).content.decode()
    assert "Mine" in page and "Not mine" not in page
    assert client.get(reverse("admin:cohorts_cohort_change", args=[mine.pk])).status_code == 200
    other = Cohort.objects.get(title="Not mine")
    assert (
        client.get(reverse("admin:cohorts_cohort_change", args=[other.pk])).status_code == 302
    )  # "doesn't exist"


def test_split_action_runs_as_a_bulk_operation(client, django_capture_on_commit_callbacks):
    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator], capacity=10)
    EnrollmentFactory.create_batch(5, cohort=cohort)
    client.force_login(curator)
    url = reverse("admin:cohorts_cohort_changelist")
    form = client.post(url, {"action": "split_action", "_selected_action": [cohort.pk]})
    assert form.status_code == 200 and "Number of groups" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "action": "split_action",
                "_selected_action": [cohort.pk],
                "groups": 2,
                "max_size": 3,
                "unscored": "spread",
            },
        )
    op = BulkOperation.objects.get()
    assert response["Location"] == reverse("cohorts:bulk", args=[op.pk])
    op.refresh_from_db()
    assert (op.state, op.done, op.total) == ("done", 5, 5)
    assert [g.enrollments.count() for g in cohort.groups.order_by("pk")] == [3, 2]
    assert client.get(reverse("cohorts:bulk", args=[op.pk])).status_code == 200


def test_move_action_moves_in_the_background(client, django_capture_on_commit_callbacks):
    curator = CuratorFactory()
    source = CohortFactory(curators=[curator])
    target = CohortFactory(course=source.course, curators=[curator])
    enrollments = EnrollmentFactory.create_batch(3, cohort=source)
    client.force_login(curator)
    url = reverse("admin:cohorts_enrollment_changelist")
    ids = [e.pk for e in enrollments]
    assert client.post(url, {"action": "move_action", "_selected_action": ids}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "move_action", "_selected_action": ids, "to_cohort": target.pk}
        )
    assert response.status_code == 302
    assert target.enrollments.filter(state="enrolled").count() == 3
    assert source.enrollments.filter(state="withdrawn").count() == 3


def _form_data(html: str) -> dict:
    """What the browser would post for the page's main form as it stands (inputs, selects, textareas)."""
    from html.parser import HTMLParser

    data: dict[str, list[str]] = {}

    class Parser(HTMLParser):
        select = textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            name = a.get("name")
            if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                data.setdefault(name, []).append(a.get("value") or "")
            elif tag == "select" and name:
                self.select = name
                data.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in a:
                data[self.select].append(a.get("value") or "")
            elif tag == "textarea" and name:
                self.textarea = name
                data[name] = [""]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, text):
            if self.textarea:
                data[self.textarea][0] += text.lstrip("\n") if not data[self.textarea][0] else text

    Parser().feed(html)
    return {k: v if len(v) != 1 else v[0] for k, v in data.items() if k != "csrfmiddlewaretoken"}


def test_editing_in_the_admin_raises_the_calendar_version_only_on_a_change(client):
    """A moved session and a moved cohort start get a new SEQUENCE (calendars replace the entries);
    saving the page unchanged keeps them (calendars are not told of a change that did not happen)."""
    from cohorts.models import LiveSession

    from .factories import LiveSessionFactory

    curator = CuratorFactory()
    cohort = CohortFactory(curators=[curator])
    session = LiveSessionFactory(cohort=cohort, title="Вебинар 1")
    other = LiveSessionFactory(cohort=cohort, title="Вебинар 2")
    client.force_login(curator)
    url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])

    data = _form_data(client.get(url).content.decode())
    assert client.post(url, data).status_code == 302
    assert [s.sequence for s in LiveSession.objects.filter(pk__in=[session.pk, other.pk]).order_by("pk")] == [
        0,
        0,
    ]
    cohort.refresh_from_db()
    assert cohort.sequence == 0

    data = _form_data(client.get(url).content.decode())
    index = next(k for k, v in data.items() if k.endswith("-id") and v == str(session.pk)).split("-")[1]
    data[f"sessions-{index}-title"] = "Вебинар 1 (перенесён)"
    data["starts_on"] = str(
        cohort.starts_on.replace(day=1) if cohort.starts_on.day != 1 else cohort.starts_on.replace(day=2)
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert LiveSession.objects.get(pk=session.pk).sequence == 1
    assert LiveSession.objects.get(pk=other.pk).sequence == 0
    cohort.refresh_from_db()
    assert cohort.sequence == 1
