"""The home page's own setting: the site an account's pages open on."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import InputRequired

from .base import AppForm, choice_id


class HomeSiteForm(AppForm):
    """Which site the staff list, leave, skills matrix and other per-site pages open on."""

    site = SelectField(
        "Pages open on",
        coerce=choice_id,
        validators=[InputRequired(message="Choose a site.")],
        description="The staff list, leave and the skills matrix open on this site.",
    )
