"""User-facing errors.

Library code raises a :class:`UserError` (or a subclass) when the *input* is wrong: a missing
file, an unknown data set, a bad option value, a corrupt checkpoint. The message says what
is wrong and how to fix it, in one line. The CLI prints it as ``error: <message>`` and exits
with code 2 (``--debug`` shows the traceback). Broken invariants stay ``assert``s.
"""


class UserError(Exception):
    """Bad input from the user; the message names the problem and the fix."""

    exit_code = 2


class ConfigError(UserError, ValueError):
    """An option has a value the code cannot use."""


class DataError(UserError):
    """A data set or corpus cannot be fetched, found or read."""


class CheckpointError(UserError):
    """A checkpoint or run directory is missing, incomplete or corrupt."""


class TrainingDiverged(UserError):
    """The loss became NaN or infinite."""
