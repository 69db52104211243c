"""REST API for mentoring pairs, their goals and meetings, and development plans.

Every queryset comes from a selector scoped to the user (404 for what they may not see); every write
goes through a service, whose MentoringError becomes a 400 with its message; the municipal
administrator and the school administrator read a pair's workspace but do not write in it (403).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from accounts.models import User
from accounts.selectors import teachers_visible_to
from core.filters import FilterBackend

from . import selectors, services
from .filters import MeetingFilterSet, PairFilterSet, PairGoalFilterSet
from .models import DevelopmentPlan, GoalState, Meeting, MentoringPair, PairGoal, PlanGoal
from .services import MentoringError


def _call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except MentoringError as exc:
        raise ApiValidationError({"detail": exc.messages}) from exc


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)
    school = serializers.CharField(source="school.name", default=None, read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "name", "school"]


class PairSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(read_only=True)
    mentee = PersonSerializer(read_only=True)
    focus_competencies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    meetings_held = serializers.IntegerField(read_only=True, default=0)
    meetings_planned = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = MentoringPair
        fields = [
            "id",
            "mentor",
            "mentee",
            "state",
            "start_date",
            "end_date",
            "focus_competencies",
            "feedback_every_weeks",
            "mentor_accepted_at",
            "mentee_accepted_at",
            "stop_reason",
            "created_at",
            "ended_at",
            "meetings_held",
            "meetings_planned",
        ]
        read_only_fields = fields


class PairCreateSerializer(serializers.Serializer):
    mentor = serializers.IntegerField()
    mentee = serializers.IntegerField()
    focus_competencies = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    feedback_every_weeks = serializers.IntegerField(required=False, default=4)


class StopSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class StateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=GoalState.choices)


class ScopedPairField(serializers.PrimaryKeyRelatedField):
    """A pair id the requesting user can see; any other id is "does not exist"."""

    def get_queryset(self):
        return selectors.pairs_visible_to(self.context["request"].user)


class PairGoalSerializer(serializers.ModelSerializer):
    pair = ScopedPairField()
    competency = serializers.IntegerField(source="competency_id")
    competency_name = serializers.CharField(source="competency.name", read_only=True)

    class Meta:
        model = PairGoal
        fields = ["id", "pair", "competency", "competency_name", "title", "due_date", "state", "completed_at"]
        read_only_fields = ["id", "state", "completed_at", "competency_name"]


class MemberPairField(serializers.PrimaryKeyRelatedField):
    """A pair the requesting user is the mentor or mentee of (meetings carry private notes)."""

    def get_queryset(self):
        return selectors.pairs_of_member(self.context["request"].user)


class MeetingSerializer(serializers.ModelSerializer):
    pair = MemberPairField()

    class Meta:
        model = Meeting
        fields = ["id", "pair", "date", "kind", "status", "notes", "next_steps", "created_at"]
        read_only_fields = ["id", "created_at"]


class PlanGoalSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id", required=False, allow_null=True)
    cohort = serializers.IntegerField(source="cohort_id", required=False, allow_null=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "title", "due_date", "state", "course", "cohort", "event_link", "completed_at"]
        read_only_fields = ["id", "state", "completed_at"]


class PlanSerializer(serializers.ModelSerializer):
    teacher = PersonSerializer(read_only=True)
    competency = serializers.IntegerField(source="competency_id", required=False, allow_null=True)
    goals = PlanGoalSerializer(many=True, read_only=True)

    class Meta:
        model = DevelopmentPlan
        fields = [
            "id",
            "teacher",
            "topic",
            "competency",
            "from_deficit_profile",
            "period_start",
            "period_end",
            "presentation_kind",
            "presentation_details",
            "state",
            "goals",
            "created_at",
        ]
        read_only_fields = ["id", "teacher", "from_deficit_profile", "state", "goals", "created_at"]


def _member_or_403(user, pair: MentoringPair) -> None:
    if not selectors.pair_access(user, pair)["member"]:
        raise PermissionDenied(_("Only the mentor and the mentee can change this pair's workspace."))


@extend_schema_view(
    list=extend_schema(summary="Mentoring pairs the user may see"),
    retrieve=extend_schema(summary="One mentoring pair"),
    create=extend_schema(
        summary="Propose a pair (school administrator of the mentee's school)",
        request=PairCreateSerializer,
        responses={201: PairSerializer},
    ),
)
class PairViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PairSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = PairFilterSet

    def get_queryset(self):
        return selectors.with_meeting_counts(
            selectors.pair_list_for(user=self.request.user)
        ).prefetch_related("focus_competencies")

    def create(self, request, *args, **kwargs):
        data = PairCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not selectors.can_match(request.user):
            raise PermissionDenied()
        try:
            mentee = teachers_visible_to(request.user).get(pk=values["mentee"])
            mentor = User.objects.select_related("school").get(pk=values["mentor"], is_active=True)
        except ObjectDoesNotExist as exc:
            raise ApiValidationError({"detail": [_("Unknown teacher.")]}) from exc
        competencies = list(selectors.competency_choices().filter(pk__in=values["focus_competencies"]))
        if len(competencies) != len(set(values["focus_competencies"])):
            raise ApiValidationError({"detail": [_("Unknown competency.")]})
        pair = _call(
            services.pair_create,
            actor=request.user,
            mentor=mentor,
            mentee=mentee,
            focus_competencies=competencies,
            start_date=values["start_date"],
            end_date=values["end_date"],
            feedback_every_weeks=values["feedback_every_weeks"],
        )
        return Response(PairSerializer(pair).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None, responses=PairSerializer, summary="Accept a proposed pair (mentor or mentee)"
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        pair = _call(services.pair_accept, actor=request.user, pair=self.get_object())
        return Response(PairSerializer(pair).data)

    @extend_schema(
        request=StopSerializer, responses=PairSerializer, summary="Decline or stop a pair with a reason"
    )
    @action(detail=True, methods=["post"])
    def stop(self, request, pk=None):
        pair = self.get_object()
        data = StopSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pair = _call(services.pair_stop, actor=request.user, pair=pair, reason=data.validated_data["reason"])
        return Response(PairSerializer(pair).data)

    @extend_schema(request=None, responses=PairSerializer, summary="Complete an active pair")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        pair = _call(services.pair_complete, actor=request.user, pair=self.get_object())
        return Response(PairSerializer(pair).data)


@extend_schema_view(
    list=extend_schema(summary="Goals of the pairs the user may see (filter: ?pair=)"),
    create=extend_schema(summary="Add a goal to a pair's mentoring plan (pair members)"),
)
class PairGoalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PairGoalSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = PairGoalFilterSet

    def get_queryset(self):
        qs = PairGoal.objects.filter(pair__in=selectors.pairs_visible_to(self.request.user)).select_related(
            "competency"
        )
        return qs.order_by("due_date", "id")

    def perform_create(self, serializer):
        values = serializer.validated_data
        _member_or_403(self.request.user, values["pair"])
        serializer.instance = _call(
            services.pair_goal_create,
            actor=self.request.user,
            pair=values["pair"],
            competency_id=values["competency_id"],
            title=values["title"],
            due_date=values["due_date"],
        )

    @extend_schema(request=StateSerializer, responses=PairGoalSerializer, summary="Change a goal's state")
    @action(detail=True, methods=["post"])
    def state(self, request, pk=None):
        goal = self.get_object()
        _member_or_403(request.user, goal.pair)
        data = StateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = _call(
            services.pair_goal_set_state, actor=request.user, goal=goal, state=data.validated_data["state"]
        )
        return Response(PairGoalSerializer(goal, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(summary="Meetings of the user's own pairs (filter: ?pair=)"),
    create=extend_schema(summary="Log a meeting (pair members)"),
)
class MeetingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = MeetingSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = [FilterBackend]
    filterset_class = MeetingFilterSet

    def get_queryset(self):
        # Meeting notes are private to the pair: administrators get the counts on the pair instead.
        qs = Meeting.objects.filter(pair__in=selectors.pairs_of_member(self.request.user))
        return qs.order_by("-date", "-id")

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        pair = values.pop("pair")
        _member_or_403(self.request.user, pair)
        serializer.instance = _call(services.meeting_log, actor=self.request.user, pair=pair, **values)


@extend_schema_view(
    list=extend_schema(summary="Development plans the user may see"),
    create=extend_schema(summary="Create my development plan"),
)
class PlanViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = PlanSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return (
            selectors.plans_visible_to(self.request.user)
            .prefetch_related("goals")
            .order_by("-period_start", "-id")
        )

    def perform_create(self, serializer):
        values = serializer.validated_data
        serializer.instance = _call(
            services.plan_create,
            actor=self.request.user,
            topic=values["topic"],
            competency_id=values.get("competency_id"),
            period_start=values["period_start"],
            period_end=values["period_end"],
            presentation_kind=values["presentation_kind"],
            presentation_details=values.get("presentation_details", ""),
        )

    @extend_schema(
        request=PlanGoalSerializer, responses={201: PlanGoalSerializer}, summary="Add a goal to my plan"
    )
    @action(detail=True, methods=["post"])
    def goals(self, request, pk=None):
        plan = self.get_object()
        if plan.teacher_id != request.user.pk:
            raise PermissionDenied()
        data = PlanGoalSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        goal = _call(
            services.plan_goal_create,
            actor=request.user,
            plan=plan,
            title=values["title"],
            due_date=values["due_date"],
            course_id=values.get("course_id"),
            cohort_id=values.get("cohort_id"),
            event_link=values.get("event_link", ""),
        )
        return Response(PlanGoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StateSerializer, responses=PlanGoalSerializer, summary="Change a plan goal's state"
    )
    @action(detail=True, methods=["post"], url_path=r"goals/(?P<goal_id>\d+)/state")
    def goal_state(self, request, pk=None, goal_id=None):
        plan = self.get_object()
        try:
            goal = plan.goals.get(pk=goal_id)
        except PlanGoal.DoesNotExist as exc:
            raise NotFound() from exc
        if plan.teacher_id != request.user.pk:
            raise PermissionDenied()
        data = StateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        goal = _call(
            services.plan_goal_set_state, actor=request.user, goal=goal, state=data.validated_data["state"]
        )
        return Response(PlanGoalSerializer(goal).data)
