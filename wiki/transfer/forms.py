"""The administrators' import form: which kind, the source file, an optional mapping file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice


class ImportForm(FlaskForm):
    kind = SelectField(
        _l("What to import"),
        choices=[
            SelectChoice("mediawiki", _l("MediaWiki XML export (.xml, .xml.bz2, .xml.gz)")),
            SelectChoice("yeswiki", _l("YesWiki pages or Bazar entries (.json from its API)")),
            SelectChoice("spreadsheet", _l("Spreadsheet, one experience per row (.csv, .xlsx)")),
        ],
    )
    source = FileField(_l("File"), validators=[FileRequired(_l("Choose the file to import."))])
    mapping = FileField(_l("Mapping file (.yaml, optional)"))
