"""``competency plugins``: what is installed, which version, and what each plugin provides."""

from __future__ import annotations

import json

import attrs
import click

from .context import engine_for


@click.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def plugins_command(ctx: click.Context, fmt: str) -> None:
    """List plugins (built-in and installed) with their versions and what each provides."""
    engine = engine_for(ctx)
    infos = engine.plugins()
    failures = engine.plugin_failures
    if fmt == "json":
        data = {
            "schema_version": 1,
            "kind": "plugins",
            "plugins": [attrs.asdict(i) for i in infos],
            "failures": [attrs.asdict(f) for f in failures],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for info in infos:
        origin = "built-in" if info.builtin else f"{info.distribution} {info.version}".strip()
        click.echo(f"{info.name} ({origin})")
        for what, names in info.provides.items():
            click.echo(f"  {what}: {', '.join(names)}")
