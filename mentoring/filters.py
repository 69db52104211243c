"""Filters of mentoring's lists, page and API (django-filter, checked by core/filters.py). `?pair=` must be
a whole number; a pair outside the user's lists (already scoped by their querysets) lists nothing, as before."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters

from accounts.models import School, Subject, User
from core.filters import FilterSet, IdFilter, WholeNumberFilter, YesNoFilter

from .models import MentorProfile, PairState
from .selectors import suggestion_schools


class PairFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=PairState.choices)


class PairGoalFilterSet(FilterSet):
    pair = WholeNumberFilter(label=_("Mentoring pair"), field_name="pair_id", min_value=1)


class MeetingFilterSet(FilterSet):
    pair = WholeNumberFilter(label=_("Mentoring pair"), field_name="pair_id", min_value=1)


class SuggestionFilterSet(FilterSet):
    """The suggestions page's filters: a subject (the mentor's profile or own subjects), a school of the
    mentee's municipality, only mentors who opted in, and whether former (stopped) mentors come back.
    `include_former` and `page` are read by the view (the ranking excludes former mentors by default)."""

    subject = IdFilter(label=_("Subject"), queryset=Subject.objects.order_by("name"), method="filter_subject")
    school = IdFilter(label=_("School"), queryset=School.objects.none(), field_name="school")
    only_willing = YesNoFilter(label=_("Only mentors who opted in"), method="filter_only_willing")
    include_former = YesNoFilter(label=_("Include former mentors"), method="filter_nothing")
    page = WholeNumberFilter(label=_("Page"), min_value=1, max_value=20, method="filter_nothing")

    def __init__(self, *args, mentee, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = suggestion_schools(mentee=mentee)

    def filter_subject(self, queryset, name, value):
        return queryset.filter(
            Exists(User.subjects.through.objects.filter(user_id=OuterRef("pk"), subject=value))
            | Exists(
                MentorProfile.subjects.through.objects.filter(
                    mentorprofile__user_id=OuterRef("pk"), subject=value
                )
            )
        )

    def filter_only_willing(self, queryset, name, value):
        return queryset.filter(mentor_profile__willing=True) if value else queryset

    def filter_nothing(self, queryset, name, value):
        return queryset
