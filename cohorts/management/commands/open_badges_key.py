"""Make a new Open Badges signing key (ES256, P-256) and say how to rotate to it (decision 0391).

Prints the new private key as one line for OPEN_BADGES_SIGNING_KEY and the value of
OPEN_BADGES_PREVIOUS_KEYS that keeps the key in use now (and the ones retired before) in the JWKS, so
every badge already handed out still verifies after the switch.
"""

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand

from cohorts.certificates import badges


class Command(BaseCommand):
    help = "Generate a new Open Badges signing key and the retired-keys value that keeps the current one."

    def handle(self, *args, **options):
        private = ec.generate_private_key(ec.SECP256R1())
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        previous = [badges.public_jwk(key) for key in badges.verification_keys().values()]
        self.stdout.write("OPEN_BADGES_SIGNING_KEY=" + pem.strip().replace("\n", "\\n"))
        self.stdout.write("OPEN_BADGES_PREVIOUS_KEYS=" + json.dumps(previous, separators=(",", ":")))
