"""A mail backend for tests with real workers: every message in its own file, written atomically.

Worker processes get it through the environment (EMAIL_BACKEND=tests.notifications.mailbox.EmailBackend,
EMAIL_FILE_PATH=<dir>); the test reads the directory back to count exactly what left.
"""

import email
import os
import uuid
from email.header import decode_header, make_header
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = uuid.uuid4().hex
            tmp = folder / f".{name}.tmp"
            tmp.write_bytes(message.message().as_bytes())
            os.replace(tmp, folder / f"{name}.eml")
        return len(email_messages)


def read_mailbox(folder: Path) -> list[tuple[str, str]]:
    """[(to, subject)] of every message in the folder."""
    found = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        subject = str(make_header(decode_header(message["Subject"])))
        found.append((message["To"], subject))
    return found
