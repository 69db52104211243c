from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the methodologist group may do in the admin; object scope (own courses) is in admin.py.
METHODOLOGIST_PERMISSIONS = [
    "courses.view_competencyarea",
    "courses.add_competencyarea",
    "courses.change_competencyarea",
    "courses.view_competency",
    "courses.add_competency",
    "courses.change_competency",
    "courses.view_course",
    "courses.add_course",
    "courses.change_course",
    "courses.view_module",
    "courses.add_module",
    "courses.change_module",
    "courses.delete_module",
    "courses.view_lesson",
    "courses.add_lesson",
    "courses.change_lesson",
    "courses.delete_lesson",
    "courses.view_assignment",
    "courses.add_assignment",
    "courses.change_assignment",
    "courses.delete_assignment",
    "courses.view_faqentry",
    "courses.add_faqentry",
    "courses.change_faqentry",
    "courses.delete_faqentry",
    "courses.view_rubriccriterion",
    "courses.add_rubriccriterion",
    "courses.change_rubriccriterion",
    "courses.delete_rubriccriterion",
    "courses.view_rubriclevel",
    "courses.add_rubriclevel",
    "courses.change_rubriclevel",
    "courses.delete_rubriclevel",
    "courses.view_quizquestion",
    "courses.add_quizquestion",
    "courses.change_quizquestion",
    "courses.delete_quizquestion",
    "courses.view_quizchoice",
    "courses.add_quizchoice",
    "courses.change_quizchoice",
    "courses.delete_quizchoice",
    "courses.view_quiz",
    "courses.add_quiz",
    "courses.change_quiz",
    "courses.delete_quiz",
    "courses.view_quizitem",
    "courses.add_quizitem",
    "courses.change_quizitem",
    "courses.delete_quizitem",
    "accounts.view_subject",
    # Organisations (who issues certificates) are kept by superusers; methodologists choose them.
    "courses.view_organisation",
    "courses.view_signatory",
]


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and competencies")

    def ready(self) -> None:
        from . import scopes

        scopes.declare()
        from accounts.roles import Role, register_role_permissions

        register_role_permissions(Role.METHODOLOGIST, METHODOLOGIST_PERMISSIONS)
