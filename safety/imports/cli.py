"""`safety import` and `safety export`: the operator's bulk tools, with every right (no acting user)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..errors import ApiError
from ..extensions import db
from .specs import KINDS

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def _fail(error: ApiError) -> click.ClickException:
    lines = [str(error.message)]
    lines += [f"{key}: {' '.join(reasons)}" for key, reasons in (error.fields or {}).items()]
    return click.ClickException("\n".join(lines))


def _progress(stage: str, done: int, total: int) -> None:
    click.echo(f"{stage} {done:,} of {total:,} rows…")


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and count what would change; write nothing.")
@with_appcontext
def import_command(kind: str, file: Path, dry_run: bool):
    """Import KIND (schools, classes or points) from a CSV or XLSX FILE.

    Every row is checked first; with any problem nothing is written and each problem is printed.
    """
    from .services import import_file
    try:
        report = import_file(None, kind, file.read_bytes(), dry_run=dry_run, progress=_progress)
    except ApiError as error:
        db.session.rollback()
        raise _fail(error) from None
    if report.problems:
        db.session.rollback()
        for problem in report.problems:
            click.echo(str(problem))
        raise click.ClickException(f"{len(report.problems):,} problem(s) in {file.name}; nothing was imported.")
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"{kind}: created {report.created:,}, updated {report.updated:,}, unchanged {report.unchanged:,}"
               + (" (dry run: nothing written)" if dry_run else ""))


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write; .csv or .xlsx decides the format.")
@click.option("--school", "school_code", help="Only this school (code).")
@click.option("--region", "region_code", help="Only schools at or below this region (code).")
@with_appcontext
def export_command(kind: str, out: Path, school_code: str | None, region_code: str | None):
    """Export KIND (schools, classes or points) in the columns `safety import` reads."""
    from .services import export_rows, filters_by_code, to_csv, to_xlsx
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="--out")
    try:
        headers, rows = export_rows(None, kind, filters_by_code(school_code, region_code))
    except ApiError as error:
        raise _fail(error) from None
    out.write_bytes(to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows, title=kind))
    click.echo(f"exported {len(rows):,} {kind} to {out}")
