"""The errors a user must fix (exit code 2): a bad path, configuration, baseline or Git
revision. Light on purpose: the CLI catches them before importing the linting machinery."""


class UsageError(Exception):
    """A problem with what the user asked for; the message says what and where."""
