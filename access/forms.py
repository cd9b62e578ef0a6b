"""The admin's "add member" form: the fields of access.members.NewMember, checked there."""

from django import forms

from access.members import MemberRefused, NewMember, add_member
from access.models import Membership, Role
from readmodel.models import Project


class AddMemberForm(forms.Form):
    INVITE, PASSWORD = "invite", "password"

    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    project = forms.ModelChoiceField(Project.objects.order_by("name"), to_field_name="slug")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)
    how = forms.ChoiceField(
        label="Password",
        choices=[
            (INVITE, "Send an invitation link (they choose their password)"),
            (PASSWORD, "Set a password now"),
        ],
        initial=INVITE,
        widget=forms.RadioSelect,
    )
    password1 = forms.CharField(
        label="Password", required=False, strip=False, widget=forms.PasswordInput
    )
    password2 = forms.CharField(
        label="Password again", required=False, strip=False, widget=forms.PasswordInput
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("how") == self.PASSWORD:
            if not data.get("password1"):
                self.add_error("password1", "Give a password, or send an invitation link.")
            elif data.get("password1") != data.get("password2"):
                self.add_error("password2", "The two passwords differ.")
        return data

    def save(self) -> Membership | None:
        """The new membership, or None with the service's refusals added as form errors."""
        data = self.cleaned_data
        new = NewMember(
            username=data["username"],
            email=data.get("email", ""),
            project_slug=data["project"].slug,
            role=data["role"],
            password=data["password1"] if data["how"] == self.PASSWORD else None,
        )
        try:
            return add_member(new)
        except MemberRefused as refused:
            for field, messages in refused.errors.items():
                self.add_error(field if field in self.fields else "password1", messages)
            return None
