from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..errors import ApiError
from ..extensions import db
from ..schools.models import School
from . import services
from .fonts import FontMissing


@click.command("labels")
@click.option("--school", "school_code", required=True, help="School code.")
@click.option("--template", default="a4-stickers-3x8", show_default=True, help="Layout in qr_templates/.")
@click.option("--category", default=None, help="Only points of this category.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="PDF to write.")
@with_appcontext
def labels_command(school_code, template, category, out):
    """Render a school's QR labels into a print-ready PDF."""
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        raise click.ClickException(f"no school with code {school_code}")
    points = services.school_points(None, school, {"category": category})
    click.echo(f"{school.name_zh}: {len(points)} points, layout {template}")

    def progress(done: int, total: int) -> None:
        click.echo(f"\r  page {done}/{total}", nl=done == total)

    try:
        pdf = services.school_labels_pdf(points, template, progress=progress)
    except FontMissing as error:  # the operator can fix this: say how, not what the pages say
        raise click.ClickException(error.detail) from None
    except ApiError as error:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in (error.fields or {}).items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    out.write_bytes(pdf)
    click.echo(f"wrote {out} ({len(pdf) // 1024} KB)")
