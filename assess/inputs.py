"""What the app accepts from a request, decided in one place before any view runs.

The character rule is `scoring.text` (README, "What a form accepts"): text that breaks it
is refused with a 400 page that names the field, and nothing is stored. A file is read
only by a form's file field.

`check_request` applies the character rule to every query and form value (and name) of
every request; `Form`, the base of every form, adds the one-line and file rules. URL
parts are matched by converters that accept ids and tokens only (`ID_CONVERTERS`), and
integers within the database's INTEGER range, so nothing malformed reaches a query.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.routing import BaseConverter, ValidationError

from questionnaires.model import quoted
from scoring.text import NOT_ONE_LINE, text_problem

from .errors import BadForm
from .schema import INT_MAX


def check_text(value: str, field: str, *, multiline: bool = True) -> str:
    problem = text_problem(value, multiline=multiline)
    if problem:
        raise BadForm(f"The field {quoted(field)} contains {problem}.")
    return value


def check_request() -> None:
    """Before every view: query values are one line, form values any lines; names too."""
    for key, value in request.args.items(multi=True):
        check_text(key, key, multiline=False)
        check_text(value, key, multiline=False)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    for key, value in request.form.items(multi=True):
        check_text(key, key, multiline=False)
        check_text(value, key)
    for key, upload in request.files.items(multi=True):
        check_text(key, key, multiline=False)
        check_text(upload.filename or "", key, multiline=False)


def _one_line(value: Any) -> Any:
    """A WTForms filter on one-line fields (raises ValueError: a form error, not a 500)."""
    if isinstance(value, str) and NOT_ONE_LINE.search(value):
        raise ValueError(text_problem(value, multiline=False))
    return value


ONE_LINE_FIELDS = ("StringField", "EmailField", "PasswordField", "SearchField", "TelField",
                   "URLField", "HiddenField")


class Form(FlaskForm):
    """The base of every form: it reads form fields only (never a JSON body, whose values
    the request guard does not see and which need not be text), a file only in a file
    field, and its one-line fields refuse line breaks (the request guard has refused
    control characters)."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if unbound_field.field_class.__name__ in ONE_LINE_FIELDS:
                filters = unbound_field.kwargs.get("filters") or ()
                unbound_field.kwargs["filters"] = (_one_line, *filters)
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """What the fields read of the request: form fields, and files only in file
            fields (no filter ever takes an upload for text; `validate` refuses the
            stray file). A JSON body is not form data."""
            if request and request.is_json and not hasattr(formdata, "getlist"):
                formdata = None  # read from the request (not given), but not form data
            wrapped = super().wrap_formdata(form, formdata)
            # Read from the request (a submitted form, not data the caller gave):
            if wrapped is not None and wrapped is not formdata and request.files:
                files = _file_fields(form)
                wrapped = CombinedMultiDict((
                    MultiDict([(name, upload) for name, upload
                               in request.files.items(multi=True) if name in files]),
                    request.form))
            return wrapped

    def validate(self, extra_validators: Any = None) -> bool:
        """A file sent in place of text refuses the whole form."""
        if request and self.is_submitted():
            refuse_uploads(_file_fields(self))
        return super().validate(extra_validators)


def _file_fields(form: Any) -> set[str]:
    return {name for name, field in form._fields.items() if isinstance(field, FileField)}


def refuse_uploads(file_fields: set[str] | frozenset[str] = frozenset()) -> None:
    """A file is read only by a file field: one sent under any other name is refused."""
    stray = sorted(set(request.files) - file_fields) if request.files else []
    if stray:
        raise BadForm(f"The field {quoted(stray[0])} must be text, not a file.")


# --------------------------------------------------------------------------- URLs


class IdConverter(BaseConverter):
    """Path parts that are ids or tokens: URL-safe base64 letters, at most 100."""

    regex = r"[A-Za-z0-9_-]{1,100}"


class BoundedInt(BaseConverter):
    """ASCII digits within INTEGER's range (`<int:number>`): anything else is a 404."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT_MAX:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


ID_CONVERTERS = {"default": IdConverter, "string": IdConverter, "int": BoundedInt}


def register(app: Flask) -> None:
    """Converters before any blueprint adds its rules; the guard before every view."""
    app.url_map.converters.update(ID_CONVERTERS)
    app.before_request(check_request)
