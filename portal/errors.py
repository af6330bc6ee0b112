"""Exceptions the rules raise and the web layer turns into answers (in one place: portal/transaction.py)."""


class RuleViolation(Exception):
    """A refused action; the message is translated and meant for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the form field the message belongs next to, if any
        self.field_messages = {field: message} if field else {}

    @classmethod
    def of_fields(cls, messages: dict) -> "RuleViolation":
        """Every problem of a form at once: {field name: message}, in the order of the form."""
        first_field, first_message = next(iter(messages.items()))
        refused = cls(first_message, field=first_field)
        refused.field_messages = dict(messages)
        return refused


class NotAllowed(Exception):
    """The user lacks the role for this action (403)."""


class NotFound(Exception):
    """No such object, or one the user may not know of (404: its existence is not revealed)."""


def require(allowed: bool) -> None:
    """Raises NotAllowed unless `allowed`: the one way rules and views refuse a role."""
    if not allowed:
        raise NotAllowed()


def found(obj, visible: bool = True):
    """`obj` if it exists and is visible to the user; otherwise NotFound."""
    if obj is None or not visible:
        raise NotFound()
    return obj
