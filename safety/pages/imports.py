"""Imports from a spreadsheet, on a page: choose the kind and the file, check it (every row, nothing written),
then import it. The same service as `POST /api/v1/imports/<kind>`: with any problem nothing is written, and the
page lists every problem by row and column as the file names them."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import ApiError, Invalid
from ..extensions import db
from ..imports import services as imports
from ..imports.reader import MAX_BYTES
from .blueprint import bp
from .session import current_user, login_required

KIND_NAMES = {"schools": _l("Schools"), "classes": _l("Classes"), "points": _l("Inspection points")}
MAX_SHOWN = 500


@bp.route("/imports", methods=["GET", "POST"])
@login_required
def import_page():
    user = current_user()
    report = error = None
    kind = request.form.get("kind") or request.args.get("kind") or "points"
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        dry_run = request.form.get("write") != "1"
        try:
            if kind not in KIND_NAMES:
                raise Invalid(fields={"kind": [_("Choose what the file holds.")]})
            if upload is None or not upload.filename:
                raise Invalid(fields={"file": [_("Choose a CSV or XLSX file.")]})
            limit = current_app.config.get("IMPORT_MAX_BYTES", MAX_BYTES)
            report = imports.import_file(user, kind, upload.stream.read(limit + 1), dry_run=dry_run)
        except ApiError as problem:
            db.session.rollback()
            error, status = problem, problem.status
        if report is not None and report.problems:
            db.session.rollback()
            status = 422
        elif report is not None and not dry_run:
            flash(_("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.",
                    created=report.created, updated=report.updated, unchanged=report.unchanged), "ok")
            return redirect(url_for("pages.import_page", kind=kind), 303)
    return render_template("pages/imports.html", kinds=KIND_NAMES, kind=kind, report=report, error=error,
                           shown=MAX_SHOWN), status
