"""Forms of the files pages: upload (new file or version), and the moderator's hide button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from wiki.files.service import DEFAULT_LICENCE, LICENCES


class UploadForm(FlaskForm):
    file = FileField(_l("File"))
    # No length limit here: the service explains a too long name in its own words.
    name = StringField(_l("Name in the wiki (optional)"))
    alt = StringField(
        _l("Description of the picture (alternative text)"), validators=[Length(max=500)]
    )
    credit = StringField(_l("Author or credit"), validators=[Length(max=300)])
    licence = SelectField(_l("Licence"), default=DEFAULT_LICENCE, validate_choice=False)
    comment = StringField(_l("Comment for the history (optional)"), validators=[Length(max=500)])
    add_to_page = BooleanField(_l("Add it at the end of the page"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.licence.choices = [SelectChoice(key, label) for key, label in LICENCES.items()]


class HideForm(FlaskForm):
    reason = StringField(_l("Reason (kept in the log)"), validators=[Length(max=500)])
