import io

import marshmallow as ma
from flask import current_app, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest.fields import Upload

from ..core.auth import current_actor
from ..core.parsing import Blueprint
from ..core.schemas import IdField, StrictSchema
from ..errors import ErrorSchema, Invalid
from . import services
from .reader import MAX_BYTES
from .specs import KINDS

blp = Blueprint("imports", __name__, url_prefix="/api/v1",
                description="Bulk import and export of schools, classes and points (CSV or XLSX)")

_KIND = f"any({', '.join(KINDS)}):kind"
# A file with every row wrong would make a huge error body; the message still gives the total.
MAX_LISTED_PROBLEMS = 500
_MIMETYPES = {"csv": "text/csv; charset=utf-8",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class ImportArgs(StrictSchema):
    dry_run = ma.fields.Boolean(load_default=False, metadata={"description": "validate and count; write nothing"})
    lang = ma.fields.String(metadata={"description": "language of the messages: zh or en"})


class ImportUpload(StrictSchema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8 or GBK; comma, semicolon or tab) or XLSX, "
                                                          "told apart by the bytes; 5 MB and 20,000 rows at most"})


class ProblemSchema(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "as Excel shows it; the header is row 1"})
    column = ma.fields.String(metadata={"description": "the header as written in the file"})
    reason = ma.fields.String()


class ImportReportSchema(ma.Schema):
    kind = ma.fields.String()
    dry_run = ma.fields.Boolean()
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    problems = ma.fields.List(ma.fields.Nested(ProblemSchema))


class ExportArgs(StrictSchema):
    school_id = IdField()
    region_id = IdField()
    lang = ma.fields.String(metadata={"description": "language of the headers and names: zh (default) or en"})


@blp.route(f"/imports/<{_KIND}>")
class Import(MethodView):
    @blp.arguments(ImportArgs, location="query")
    @blp.arguments(ImportUpload, location="files")
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(422, schema=ErrorSchema,
                      description='Problems in the file, nothing written: `code` is "import_invalid" and `fields` '
                                  'maps "row 3, 类别" to its reasons (the first 500; the message gives the count)')
    @blp.alt_response(413, schema=ErrorSchema, description="Over 5 MB or 20,000 rows")
    @blp.alt_response(415, schema=ErrorSchema, description="Neither CSV (UTF-8, GBK) nor XLSX")
    def post(self, args, files, kind):
        """Import schools (an office, into its districts), classes or points (for schools one manages)

        Every row is checked first; with any problem nothing is written. Rows match existing ones by code
        (classes by school, grade and name), so importing the same file again changes nothing.
        """
        limit = current_app.config.get("IMPORT_MAX_BYTES", MAX_BYTES)
        data = files["file"].stream.read(limit + 1)  # one byte more tells "too large" without reading it all
        report = services.import_file(current_actor(), kind, data, dry_run=args["dry_run"])
        if report.problems:
            raise Invalid(_("Problems in the file: %(count)s; nothing was imported.", count=len(report.problems)),
                          code="import_invalid", fields=report.fields(MAX_LISTED_PROBLEMS))
        return report


@blp.route(f"/exports/<{_KIND}>.<any(csv, xlsx):fmt>")
class Export(MethodView):
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description="The file, in the columns an import reads", content_type=_MIMETYPES["xlsx"])
    def get(self, args, kind, fmt):
        """Export schools, classes or points the caller can see, as CSV (UTF-8 with BOM) or XLSX"""
        headers, rows = services.export_rows(current_actor(), kind, args)
        data = services.to_csv(headers, rows) if fmt == "csv" else services.to_xlsx(headers, rows, title=kind)
        return send_file(io.BytesIO(data), mimetype=_MIMETYPES[fmt], as_attachment=True,
                         download_name=services.export_filename(kind, fmt))
