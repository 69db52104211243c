"""Demo data for this app; called by manage.py seed_demo with the people accounts.demo made."""


def seed(people: dict) -> None:
    """Filled by this app's issue."""
