"""The ``competency`` command line: a thin layer over :class:`competency.Engine`.

Start-up is lazy: this module imports only click; each command's module (and the engine, attrs,
cattrs and the plugins) is imported when that command runs. Plugin commands are looked up only when
a name is not a core command, or when the commands are listed.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .._version import __version__

#: Core commands: name -> "module:function" inside competency.cli.
CORE_COMMANDS = {
    "frameworks": "frameworks:frameworks_command",
    "show": "frameworks:show_command",
    "check-framework": "frameworks:check_framework_command",
    "validate": "evidence:validate_command",
    "score": "evidence:score_command",
    "plugins": "plugins:plugins_command",
    "import-framework": "interop:import_framework_command",
    "export-framework": "interop:export_framework_command",
    "schema": "schema:schema_command",
    "plan": "plan:plan_command",
    "cohort": "cohort:cohort_command",
}

EXIT_INTERNAL = 4
DEBUG_ENV = "COMPETENCY_DEBUG"


class LazyGroup(click.Group):
    """A group whose core commands are imported on first use (click's documented lazy loading)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*CORE_COMMANDS, *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in CORE_COMMANDS:
            module_name, _, attribute = CORE_COMMANDS[cmd_name].partition(":")
            module = importlib.import_module(f"{__name__}.{module_name}")
            command: click.Command = getattr(module, attribute)
            return command
        return self._plugin_commands(ctx).get(cmd_name)

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        root = ctx.find_root()
        root.ensure_object(dict)
        if "plugin_commands" in root.obj:
            commands: dict[str, click.Command] = root.obj["plugin_commands"]
            return commands
        from ..plugins import get_plugin_manager

        # Only a plugin manager: listing commands must not import the engine or load frameworks.
        pm, _ = get_plugin_manager()
        group = click.Group()
        for impl in pm.hook.register_commands.get_hookimpls():
            try:
                impl.function(cli=group)
            except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the CLI
                click.echo(f"competency: plugin {impl.plugin_name!r} failed to add commands: {exc}", err=True)
        root.obj["plugin_commands"] = {n: c for n, c in group.commands.items() if n not in CORE_COMMANDS}
        return self._plugin_commands(ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 80})
@click.version_option(__version__, "--version", "-V", prog_name="competency", message="%(prog)s %(version)s")
@click.option(
    "--frameworks-dir",
    "frameworks_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, dir_okay=True),
    help="A directory of framework files to search (repeatable; also COMPETENCY_FRAMEWORKS_PATH).",
)
@click.pass_context
def cli(ctx: click.Context, frameworks_dirs: tuple[str, ...]) -> None:
    """Validate and score competency evidence against frameworks.

    \b
    Exit codes: 0 success; 1 invalid input (every problem is listed);
    2 usage error; 3 configuration error (plugins, unknown framework);
    4 internal error (set COMPETENCY_DEBUG=1 for the traceback).
    """
    ctx.ensure_object(dict)
    ctx.obj["frameworks_dirs"] = frameworks_dirs


def main(args: list[str] | None = None) -> Any:
    """Run the CLI; an unexpected error is one line on stderr (exit 4), never a traceback."""
    try:
        return cli.main(args=args, prog_name="competency")
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        # Imported here: the errors module needs attrs, which --version should not pay for.
        from ..errors import EXIT_CONFIGURATION, EXIT_INVALID_INPUT, ConfigurationError, InvalidInput

        if isinstance(exc, ConfigurationError):
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_CONFIGURATION)
        if isinstance(exc, InvalidInput):
            click.echo(str(exc), err=True)
            sys.exit(EXIT_INVALID_INPUT)
        if os.environ.get(DEBUG_ENV):
            raise
        click.echo(f"competency: internal error: {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for details)", err=True)
        sys.exit(EXIT_INTERNAL)
