"""The forms of the page views: the editor, rename and "new experience"."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from wiki.content.metadata import PAGE_TYPES, SCALES, SETTINGS, STATUSES
from wiki.labels import theme_label, value_label
from wiki.pages import editor
from wiki.pages.service import theme_slugs_in_order


class EditForm(FlaskForm):
    """The editor: metadata fields beside the body, or the raw text ("advanced" mode).

    `source` is the full text the fields were read from; a save applies the changed fields to
    it (wiki.pages.editor.compose), so keys and comments the form does not show are kept.
    """

    title = StringField(_l("Title"), validators=[Length(max=200)])
    text = TextAreaField(_l("Full text (metadata block and Markdown)"))
    body = TextAreaField(_l("Text (Markdown)"))
    source = HiddenField()
    mode = HiddenField(default="form")
    comment = StringField(_l("Summary of your changes"), validators=[Length(max=500)])
    base_revision = HiddenField()
    type = SelectField(_l("Kind of page"), validate_choice=False)
    territory = StringField(_l("Territory"), validators=[Length(max=200)])
    insee = StringField(_l("Official code of the territory"), validators=[Length(max=20)])
    scale = SelectField(_l("Scale"), validate_choice=False)
    setting = SelectField(_l("Setting"), validate_choice=False)
    themes = SelectMultipleField(
        _l("Themes"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    tags = StringField(_l("Free tags"), validators=[Length(max=500)])
    status = SelectField(_l("Status"), validate_choice=False)
    started = StringField(_l("Started in"), validators=[Length(max=20)])
    actors = StringField(_l("Actors"), validators=[Length(max=1000)])
    inspire_par = TextAreaField(_l("Inspired by"), validators=[Length(max=8000)])
    lat = StringField(_l("Latitude"), validators=[Length(max=30)])
    lon = StringField(_l("Longitude"), validators=[Length(max=30)])

    def set_choices(self) -> None:
        """Vocabularies for the selects; a value outside them stays offered, to be fixed."""
        kinds = {
            "experience": _("Experience"),
            "territory": _("Territory"),
            "theme": _("Theme"),
            "guide": _("Guide"),
            "page": _("Page"),
            "template": _("Template of new pages"),
        }
        self.type.choices = [SelectChoice(k, kinds.get(k, k)) for k in PAGE_TYPES]
        for name, values in (("scale", SCALES), ("setting", SETTINGS), ("status", STATUSES)):
            # The values are French words kept in the text; each language shows its label.
            getattr(self, name).choices = [SelectChoice("", "—")] + [
                SelectChoice(v, value_label(v)) for v in values
            ]
        slugs = theme_slugs_in_order()
        self.themes.choices = [SelectChoice(slug, theme_label(slug)) for slug in slugs]
        self.unknown_themes = [t for t in self.themes.data or [] if t not in slugs]
        for name in ("type", "scale", "setting", "status", "themes"):
            field = getattr(self, name)
            known = {choice.value for choice in field.choices}
            data = field.data if isinstance(field.data, list) else [field.data]
            field.choices += [SelectChoice(v, v) for v in data if v and v not in known]

    def fields(self) -> dict:
        return {name: getattr(self, name).data or "" for name in editor.FIELD_NAMES}

    def show(self, text: str, theme_slugs, mode: str = "form") -> list:
        """Fill the form from a page text; returns the problems found in its front matter."""
        state = editor.fields_from_text(text, theme_slugs)
        self.source.data = self.text.data = text
        self.body.data = state.body
        self.mode.data = mode if state.fields is not None else "raw"
        for name, value in (state.fields or {}).items():
            getattr(self, name).data = value
        return state.errors

    def flag(self, errors) -> None:
        """Put each problem next to its field; in raw mode, next to the raw text."""
        for name, messages in editor.form_errors(errors).items():
            target = name if self.mode.data == "form" and name in self else "text"
            if target == "text" and name != "text" and name in self:
                messages = [f"{getattr(self, name).label.text} : {m}" for m in messages]
            field = getattr(self, target)
            field.errors = list(field.errors) + messages


class RenameForm(FlaskForm):
    title = StringField(_l("New title"), validators=[Length(max=200)])
    comment = StringField(_l("Why? (optional)"), validators=[Length(max=300)])


class NewPageForm(FlaskForm):
    title = StringField(_l("Title of the experience"), validators=[Length(max=200)])
    type = HiddenField(default="experience")
