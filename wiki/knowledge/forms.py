"""The forms of the knowledge pages: the administrators' theme vocabulary."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ThemeForm(FlaskForm):
    label_fr = StringField(_l("Label in French"), validators=[DataRequired(), Length(max=128)])
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=128)])
    slug = StringField(
        _l("Address (optional, made from the French label)"),
        validators=[Optional(), Length(max=64)],
    )


class ThemeLabelsForm(FlaskForm):
    label_fr = StringField(_l("Label in French"), validators=[DataRequired(), Length(max=128)])
    label_en = StringField(_l("Label in English"), validators=[DataRequired(), Length(max=128)])


class MoveForm(FlaskForm):
    direction = HiddenField()
