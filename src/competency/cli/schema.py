"""``competency schema``: the JSON Schema of evidence or framework files, generated from the model."""

from __future__ import annotations


import click

from ..errors import ConfigurationError
from .context import configuration_error, emit, engine_for


@click.command("schema")
@click.argument("document", type=click.Choice(["evidence", "framework"]))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)
@click.pass_context
def schema_command(ctx: click.Context, document: str, output: str | None) -> None:
    """Print the JSON Schema of evidence or framework files.

    The schema is generated from the model and has the evidence kinds of every
    installed plugin. Save it and name it on the first line of a TOML file:
    editors that use taplo (VS Code's Even Better TOML) then check the file
    and complete its keys.

    \b
        competency schema evidence -o evidence.schema.json
        #:schema ./evidence.schema.json      <- first line of the TOML file

    Meaning (unknown competencies, levels off the scale, dates in the
    future) is checked by `competency validate`, not by the schema.
    """
    from ..schema import dumps, evidence_schema, framework_schema

    try:
        schema = evidence_schema(engine_for(ctx)) if document == "evidence" else framework_schema()
    except ConfigurationError as exc:  # a plugin's kind with a type no file can hold, or a plugin conflict
        configuration_error(exc)
    emit(dumps(schema), output)
