"""Forms about accounts: an invitation, a role, setting or changing a password, bulk invitations."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..models import AccountRole, Staff
from ..services import accounts as svc
from .base import AppForm, choice_id_or_none
from .staff import strip

ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in AccountRole]


def lower_strip(value):
    """Trim the spaces around an email and put it in lower case."""
    return value.strip().lower() if isinstance(value, str) else value


def email_field(label: str = "Email", required: bool = True) -> EmailField:
    """An email field: trimmed, in lower case, checked for its shape."""
    presence = DataRequired("Enter the person's email address.") if required else Optional()
    return EmailField(
        label,
        filters=[lower_strip],
        validators=[
            presence,
            Length(max=254),
            Email("Enter an email address, like ann@example.org."),
        ],
    )


class InviteForm(AppForm):
    """A new person's name, email, role and (for a technician) their staff record."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the person's name."), Length(max=120)],
    )
    email = email_field()
    role = SelectField("Role", choices=ROLE_CHOICES, default=AccountRole.TECHNICIAN.value)
    staff_id = SelectField(
        "Staff record",
        coerce=choice_id_or_none,
        validate_choice=False,
        description="A technician's account shows their own shifts: choose their staff record.",
    )
    submit = SubmitField("Invite")

    def validate_email(self, field) -> None:
        """One account per email address."""
        if field.data and svc.find_by_email(field.data) is not None:
            raise ValidationError("An account with this email already exists.")

    def validate_staff_id(self, field) -> None:
        """A staff record offered on the page: active and without an account."""
        offered = {str(choice.value) for choice in field.choices if choice.value}
        if field.data is not None and str(field.data) not in offered:
            raise ValidationError("Choose a staff record from the list.")


class RoleForm(AppForm):
    """An account's new role."""

    role = SelectField("Role", choices=ROLE_CHOICES)
    submit = SubmitField("Change role")


def _new_password() -> PasswordField:
    """The new password field (a fresh one per form, so each form orders its own fields)."""
    return PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), Length(max=svc.MAX_PASSWORD_LENGTH)],
        description=f"At least {svc.MIN_PASSWORD_LENGTH} characters; not a common password, "
        "your name or your email. A short sentence is easy to remember.",
        render_kw={"autocomplete": "new-password"},
    )


def _new_password_again() -> PasswordField:
    """The new password typed a second time."""
    return PasswordField(
        "New password again",
        validators=[
            DataRequired("Type the new password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class _PasswordRules(AppForm):
    """Checks a new password for length, common passwords and the person's own name and
    email (``email`` and ``name`` are given when the form is made)."""

    def __init__(self, *args, email: str = "", name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._owner = (email, name)

    def validate_password(self, field) -> None:
        """Long enough, not common, not the person's own name or email."""
        email, name = self._owner
        problem = svc.password_problem(field.data or "", email=email, name=name)
        if problem:
            raise ValidationError(problem)


class SetPasswordForm(_PasswordRules):
    """The password set through an invitation or reset link."""

    password = _new_password()
    confirm = _new_password_again()
    submit = SubmitField("Set my password")


class ChangePasswordForm(_PasswordRules):
    """The signed-in person's current password and a new one."""

    current = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=svc.MAX_PASSWORD_LENGTH),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password()
    confirm = _new_password_again()
    submit = SubmitField("Change my password")


def technician_accounts_form(people: list[Staff]) -> AppForm:
    """One email field per technician without an account (``email_<staff id>``); blank skips."""

    class TechnicianAccountsForm(AppForm):
        """An email for each technician who should get an account; blank ones are skipped."""

        submit = SubmitField("Invite these technicians")

        def rows(self) -> list[tuple[Staff, EmailField]]:
            """Each person with their email field."""
            return [(person, self[f"email_{person.id}"]) for person in people]

        def validate(self, extra_validators=None) -> bool:
            """Each email checked, none used twice, at least one given."""
            ok = super().validate(extra_validators)
            seen: dict[str, str] = {}
            for person, field in self.rows():
                if field.errors or not field.data:
                    continue
                if svc.find_by_email(field.data) is not None:
                    field.errors.append("An account with this email already exists.")
                    ok = False
                elif field.data in seen:
                    field.errors.append(f"Also typed for {seen[field.data]}.")
                    ok = False
                seen.setdefault(field.data, person.name)
            if ok and not seen:
                self.form_errors.append("Type an email for at least one person.")
                ok = False
            return ok

    for person in people:
        setattr(
            TechnicianAccountsForm,
            f"email_{person.id}",
            email_field(f"Email for {person.name}", required=False),
        )
    return TechnicianAccountsForm()
