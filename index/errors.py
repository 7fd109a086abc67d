"""Errors a user can act on: the message is one plain sentence saying what to do."""


class UserError(Exception):
    """A problem the user can fix; its message is shown as-is, without a traceback."""
