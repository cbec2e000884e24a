"""Alembic environment for Flask-Migrate (Flask-SQLAlchemy 3): the app's engine and metadata."""
import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config
database = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write the app's portable column types as plain SQLAlchemy types, so revisions never import the app."""
    from safety.core.types import UTCDateTime
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _options() -> dict:
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("render_item", render_item)
    options.setdefault("compare_type", True)
    options.setdefault("process_revision_directives", _skip_empty_revisions)
    return options


def _skip_empty_revisions(context, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(url=database.engine.url.render_as_string(hide_password=False),
                      target_metadata=database.metadata, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with database.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=database.metadata, **_options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
