"""What every ``playhead`` subcommand shares: failing in one line, opening its files, its flags.

A command that cannot go on raises :class:`CommandError`; :func:`run_command` prints it as one
line on stderr (``playhead demo: out/x.jsonl: cannot write: No such file or directory``) and
exits non-zero, as it does for a reader that goes away (``playhead demo --json | head -1``).
Outputs are checked before the work starts, so a typo in a path costs nothing.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, NoReturn

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_ERROR",
    "CommandError",
    "OneLineParser",
    "add_heartbeat_interval",
    "check_output",
    "open_input",
    "open_output",
    "run_command",
    "seconds",
]

#: The status of a command that could not do what was asked (bad input, unwritable output).
EXIT_ERROR = 2
#: The status a shell reports for a program killed by SIGPIPE (128 + 13): what ``cat`` does.
EXIT_BROKEN_PIPE = 141


class CommandError(Exception):
    """A command cannot go on; the message is one line, naming the file or flag at fault."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (argparse's usage block is ``--help``'s)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def check_output(path: str | os.PathLike[str]) -> None:
    """Raise :class:`CommandError` unless ``path`` can be created or overwritten."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise CommandError(f"{target}: cannot write: no such directory {str(folder)!r}")
    if target.is_dir():
        raise CommandError(f"{target}: cannot write: it is a directory")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise CommandError(f"{target}: cannot write: permission denied")


def open_output(path: str | os.PathLike[str]) -> IO[str]:
    """``path`` opened for writing text, or a :class:`CommandError` saying why not."""
    check_output(path)
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as error:
        raise CommandError(f"{os.fspath(path)}: cannot write: {error.strerror}") from None


def open_input(path: str) -> IO[str]:
    """``path`` opened for reading text (``-`` is standard input), or a :class:`CommandError`."""
    if path == "-":
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"{path}: cannot read: {error.strerror}") from None


def seconds(text: str) -> float:
    """An argparse ``type``: a finite number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def add_heartbeat_interval(parser: argparse.ArgumentParser, default: float = 10.0) -> None:
    """The ``--heartbeat-interval SECONDS`` flag, named alike on every command (``0``: off).

    ``--heartbeat``, its name in playhead 0.1's ``demo``, stays accepted and unlisted.
    """
    parser.add_argument(
        "--heartbeat-interval",
        type=seconds,
        default=default,
        metavar="SECONDS",
        help=f"seconds of playing between heartbeats, 0 for none (default {default:g})",
    )
    parser.add_argument(
        "--heartbeat", dest="heartbeat_interval", type=seconds, help=argparse.SUPPRESS
    )


def run_command(prog: str, command: Callable[[argparse.Namespace], int], args: Any) -> int:
    """Run a parsed command: a :class:`CommandError` becomes one line on stderr.

    A reader that closes the pipe early ends the command quietly, as SIGPIPE ends ``cat``.
    """
    try:
        status = command(args)
        sys.stdout.flush()
    except CommandError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # Python would print the same error again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status
