"""Errors a user can act on: the message is one plain sentence saying what to do."""


class UserError(Exception):
    """A problem the user can fix; its message is shown as-is, without a traceback."""


class EmptyQuestion(UserError):
    """The question has no words."""


class QuestionTooLong(UserError):
    """The question is over the length limit."""

    def __init__(self, message: str, length: int, limit: int):
        super().__init__(message)
        self.length = length
        self.limit = limit


class NoIndex(UserError):
    """No index has been built yet."""


class ModelMismatch(UserError):
    """The index was built by another model or encoder: a reindex embeds every passage again."""
