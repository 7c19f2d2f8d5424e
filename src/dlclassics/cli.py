"""``dlc`` — the one command line of dlclassics.

    dlc data list | fetch NAME... | info NAME
    dlc mlp train --data fashion-mnist --run-dir runs/mlp [--preset quick|full] [--max-steps N]
    dlc mlp train --resume runs/mlp --max-steps N
    dlc mlp eval --run-dir runs/mlp
    dlc tour [--quick]

Options come from each command's config dataclass. Known user errors (missing file, unknown
data set, bad option value, corrupt checkpoint) print one line ``error: ...`` and exit with
code 2; ``--debug`` shows the traceback instead.

A command that needs a data set which is not cached fetches it first (one log line: the
data set, its size, its source; then a progress bar). ``--offline`` (or
``DLCLASSICS_OFFLINE=1``) turns that off: the command stops with one line saying how to
fetch the data set instead.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlclassics import __version__
from dlclassics.commands import Command, Family, Group, set_invocation
from dlclassics.errors import UserError
from dlclassics.families import commands as family_commands
from dlclassics.families import groups

# the switch `--offline` sets (dlclassics.data.demand.OFFLINE_ENV; not imported: fast start-up)
OFFLINE_ENV = "DLCLASSICS_OFFLINE"

log = logging.getLogger("dlclassics")


def _groups() -> dict[str, tuple[Family, Group]]:
    """``dlc GROUP``: every family's groups, in reading order (no command module imported)."""
    return {group.name: (family, group) for family, group in groups()}


def _usage() -> str:
    lines = [f"dlc {__version__} — classic deep learning, runnable and verified", "", "commands:"]
    for _, group in groups():
        for name, help_ in group.commands.items():
            lines.append(f"  dlc {group.name + (' ' + name if name else ''):<22} {help_}")
    lines += [
        "",
        "`dlc GROUP COMMAND --help` lists a command's options; --debug shows tracebacks;",
        "--offline never fetches a missing data set (as DLCLASSICS_OFFLINE=1 does).",
    ]
    return "\n".join(lines)


def _option(args: list[str], flag: str) -> str | None:
    """Value of ``--flag VALUE`` or ``--flag=VALUE`` in args, without removing it."""
    for i, arg in enumerate(args):
        if arg == flag and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def _without(args: list[str], flag: str) -> list[str]:
    out: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == flag:
            skip = True
        elif not arg.startswith(flag + "="):
            out.append(arg)
    return out


def _parse(
    command: Command, prog: str, help_: str, args: list[str], resume: Path | None = None
) -> Any:
    """Options -> config dataclass; tyro's boxed parse errors become one line.

    With ``resume``, the defaults are the config saved in that run directory.
    """
    import tyro

    default: Any = None
    preset = _option(args, "--preset")
    if preset is not None:
        if preset not in command.presets:
            known = ", ".join(command.presets) or "(none)"
            raise UserError(f"unknown preset {preset!r} for `{prog}`; choose one of: {known}")
        default = command.presets[preset]
        args = _without(args, "--preset")
    if resume is not None:
        assert command.resumable is not None
        default = command.resumable.resume_config(resume)
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            return tyro.cli(
                command.config,
                prog=prog,
                description=_description(command, help_),
                args=args,
                default=default,
                config=(tyro.conf.OmitArgPrefixes,),  # --max-steps, not --trainer.max-steps
            )
    except SystemExit as exit_:
        text = buffer.getvalue()
        if exit_.code in (0, None):  # --help
            sys.stdout.write(text)
            raise
        raise UserError(_one_line(text) + f" (see `{prog} --help`)") from None


def _description(command: Command, help_: str) -> str:
    text = help_
    if command.presets:
        text += (
            f". Presets: --preset {{{','.join(command.presets)}}} (options given too override it)"
        )
    if command.resumable is not None:
        text += ". --resume DIR continues the run saved in DIR"
    return text


def _one_line(tyro_error: str) -> str:
    """The message inside tyro's error box: the lines between its first two rules."""
    parts = re.split(r"\n\s*[─-]{8,}\s*\n", tyro_error)
    body = parts[1] if len(parts) > 1 else tyro_error
    return " ".join(body.split()).strip() or "bad command-line options"


def run(argv: Sequence[str]) -> int:
    args = list(argv)
    set_invocation(args)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    if args[0] == "--version":
        print(__version__)
        return 0
    known = _groups()
    group = args.pop(0)
    if group not in known:
        raise UserError(f"unknown command {group!r}; choose one of: {', '.join(known)}")
    family, declared = known[group]
    commands = family_commands(family, declared)
    name = ""
    if "" not in commands:
        if not args or args[0] in ("-h", "--help"):
            print(f"usage: dlc {group} {{{','.join(commands)}}} [options]")
            return 0 if args else 2
        name = args.pop(0)
        if name not in commands:
            raise UserError(
                f"unknown command `dlc {group} {name}`; choose one of: {', '.join(commands)}"
            )
    command = commands[name]
    prog = f"dlc {group} {name}".strip()
    help_ = declared.commands[name]
    resume = _option(args, "--resume") if command.resumable is not None else None
    if resume is None:
        return command.run(_parse(command, prog, help_, args)) or 0
    assert command.resumable is not None
    if _option(args, "--run-dir") is not None:
        raise UserError(f"`{prog} --resume DIR` continues in DIR; drop --run-dir")
    config = _parse(command, prog, help_, _without(args, "--resume"), resume=Path(resume))
    return command.resumable.run_resumed(config)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if "--offline" in argv:
        os.environ[OFFLINE_ENV] = "1"  # read by dlclassics.data.demand.require
    argv = [a for a in argv if a not in ("--debug", "--offline")]
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO, format="%(message)s", stream=sys.stderr
    )
    try:
        return run(argv)
    except UserError as error:
        if debug:
            raise
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted (a checkpoint was saved where the run supports it)", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # --help inside a command
        return int(exit_.code or 0)
    except BrokenPipeError:  # `dlc data info brown | head`: the reader left early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
