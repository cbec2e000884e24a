"""The `safety` command: Flask's commands (run, routes, db …) plus ours."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from .extensions import db


def _create_app(*_args, **_kwargs):
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, help="Campus safety inspection service.")
def main():
    pass


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "safety_office", "principal", "inspector"]))
@click.option("--school", "school_code", help="School code (principal, school inspector).")
@click.option("--region", "region_code", help="Region code (safety office, district inspector).")
@click.option("--display-name", default="")
@click.password_option(prompt="Password", help="Prompted for when not given.")
def create_user_command(username, role, school_code, region_code, display_name, password):
    """Create a user with one role assignment."""
    from .accounts.services import create_user
    from .errors import ApiError
    try:
        user = create_user(None, username=username, password=password, display_name=display_name,
                           roles=[{"role": role, "school_code": school_code, "region_code": region_code}])
        db.session.commit()
    except ApiError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in (error.fields or {}).items())
        raise click.ClickException(f"{error.message} {details}".strip()) from None
    click.echo(f"created user {user.username} ({role})")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no schools yet.")
def demo_command(if_empty):
    """Load the demo city: districts, schools, classes, users, and everything later issues add."""
    from .demo import build_demo_city, demo_loaded, print_logins
    if if_empty and demo_loaded():
        click.echo("demo city already loaded")
    else:
        build_demo_city(progress=click.echo)
        db.session.commit()
    print_logins(click.echo)


@click.command("doctor")
@click.option("--fonts", "only_fonts", is_flag=True, help="Only the fonts (scripts/start.sh asks this).")
def doctor_command(only_fonts):
    """Check fonts, database, photo storage, the scheduler and mail; exit 1 if something is broken."""
    from .doctor import CHECKS, FAIL
    failed = False
    for name, check in CHECKS.items():
        if only_fonts and name != "fonts":
            continue
        status, finding = check()
        failed |= status == FAIL
        click.echo(f"{status:<5} {name:<14} {finding}")
    if failed:
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    from .imports.cli import export_command, import_command
    from .labels.cli import labels_command
    from .ops.cli import backup_command, restore_command
    from .scheduler.cli import jobs_group, scheduler_command
    for command in (create_user_command, demo_command, doctor_command, import_command, export_command, labels_command,
                    scheduler_command, jobs_group, backup_command, restore_command):
        app.cli.add_command(command)
