from django import forms

from .kinds import Delivery


class PreferencesForm(forms.Form):
    """One radio group per registered kind: immediately / daily digest / off."""

    def __init__(self, *args, preferences: list[tuple], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [kind for kind, _delivery in preferences]
        for kind, delivery in preferences:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, widget=forms.RadioSelect, initial=delivery
            )

    def rows(self):
        """(kind, bound field) pairs for the table on the page."""
        return [(kind, self[kind.code]) for kind in self.kinds]
