"""The `coop` Typer application; each module of this package adds its commands to it."""

from __future__ import annotations

import re

import click
import typer
from typer.core import TyperCommand, TyperGroup

# a single line break inside a paragraph: where a docstring was wrapped by hand
HAND_BREAK = re.compile(r"(?<!\n)[ \t]*\n[ \t]*(?!\n)")


def flow(text: str | None) -> str | None:
    """A docstring as paragraphs that flow to the terminal's width: its hand line breaks
    joined, the blank lines between paragraphs kept."""
    if not text:
        return text
    import inspect

    return HAND_BREAK.sub(" ", inspect.cleandoc(text))


def _quiet_types(params: list[click.Parameter]) -> None:
    """Typer shows each parameter's Python type (`<bool>`, `<str>`): a flag or an argument
    shows none (an argument's name is shown beside it), an option that takes a value the
    option's name in capitals (`--format FORMAT`), as click does."""
    for param in params:
        if param.param_type_name == "option" and not getattr(param, "is_flag", False):
            label = max(param.opts, key=len).lstrip("-").upper()
        else:
            label = None
        # what typer's help panel calls for the type column; the parameter is otherwise as is
        param.display_type_rich = lambda ctx, label=label: label


class _FlowingHelp:
    """Help text that flows (see `flow`) and names no Python types."""

    def __init__(self, *args, **kwargs) -> None:
        for key in ("help", "short_help"):
            kwargs[key] = flow(kwargs.get(key))
        super().__init__(*args, **kwargs)
        _quiet_types(self.params)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            _quiet_types([option])
        return option


class FlowingCommand(_FlowingHelp, TyperCommand):
    pass


class FlowingGroup(_FlowingHelp, TyperGroup):
    pass


class Typer(typer.Typer):
    """A Typer whose commands and groups render their help as `flow` says."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cls=FlowingGroup, **kwargs)

    def command(self, *args, cls=None, **kwargs):
        return super().command(*args, cls=cls or FlowingCommand, **kwargs)


app = Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def main() -> None:
    """Build, inspect and query the cooperation warehouse."""
