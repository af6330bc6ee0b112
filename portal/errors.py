"""Exceptions the rules raise and the views turn into answers."""


class RuleViolation(Exception):
    """A refused action; the message is translated and meant for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the form field the message belongs next to, if any


class NotAllowed(Exception):
    """The user lacks the role for this action (403)."""
