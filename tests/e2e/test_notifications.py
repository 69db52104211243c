"""A teacher sees the unread badge, opens the list, marks notifications read and changes a preference."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification, NotificationPreference
from tests.factories import TeacherFactory
from tests.notifications.factories import NotificationFactory


def test_teacher_reads_notifications_and_changes_a_preference(page, live_server, login_as, shot):
    teacher = TeacherFactory(full_name="Anna Ivanova")
    NotificationFactory(
        recipient=teacher,
        kind="review_done",
        title="Your lesson plan was reviewed",
        body="Good structure. Add assessment criteria for the group work.",
    )
    NotificationFactory(
        recipient=teacher, kind="question_answered", title="Your question was answered", url="/cabinet/"
    )
    NotificationFactory(recipient=teacher, kind="deadline_reminder", title="Assignment due in 3 days")
    NotificationFactory(recipient=teacher, title="An old one", read_at=timezone.now())
    NotificationFactory(title="Someone else's")

    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    badge = page.locator("#notifications-badge")
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("data-count", "3")
    shot("notifications-1-badge")

    page.locator("#notifications-link").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    items = page.locator("li.notification")
    expect(items).to_have_count(4)
    expect(items.first).to_have_class(re.compile("notification-unread"))
    expect(page.get_by_text("Someone else's")).to_have_count(0)
    shot("notifications-2-list")

    # Mark one read (htmx swaps the item and the badge without a reload).
    first = page.locator("li.notification-unread").first
    first_id = first.get_attribute("id")
    first.get_by_role("button", name="Mark as read").click()
    expect(page.locator(f"#{first_id}")).not_to_have_class(re.compile("notification-unread"))
    expect(badge).to_have_attribute("data-count", "2")
    shot("notifications-3-one-read")

    # Opening a notification by its title follows its link and marks it read (a POST, never a GET).
    page.get_by_role("button", name="Your question was answered").click()
    page.wait_for_url(f"{live_server.url}/cabinet/")
    expect(badge).to_have_attribute("data-count", "1")
    page.locator("#notifications-link").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("li.notification-unread")).to_have_count(1)

    page.locator("#mark-all-read").click()
    expect(page.locator("li.notification-unread")).to_have_count(0)
    expect(badge).to_be_hidden()
    expect(page.locator("#mark-all-read")).to_have_count(0)
    assert Notification.objects.filter(recipient=teacher, read_at__isnull=True).count() == 0
    shot("notifications-4-all-read")

    page.get_by_role("link", name="Notification settings").first.click()
    page.wait_for_load_state("networkidle")
    row = page.locator('tr[data-kind="review_done"]')
    row.locator('input[value="off"]').check()
    page.locator('tr[data-kind="announcement"] input[value="digest"]').check()
    shot("notifications-5-preferences")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    expect(page.locator('tr[data-kind="review_done"] input[value="off"]')).to_be_checked()
    prefs = dict(NotificationPreference.objects.filter(user=teacher).values_list("kind", "delivery"))
    assert prefs["review_done"] == "off"
    assert prefs["announcement"] == "digest"
    shot("notifications-6-saved")
