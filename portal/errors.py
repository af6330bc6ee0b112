"""Exceptions the rules raise and the web layer turns into answers (in one place: portal/transaction.py)."""


class RuleViolation(Exception):
    """A refused action; the message is translated and meant for the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the form field the message belongs next to, if any
        self.field_messages = {field: message} if field else {}
        self.standing: list = []  # writes that stand although the action is refused (counted failures, audit)

    def keeping(self, write) -> "RuleViolation":
        """`write` (a callable) is done after the refused action's own writes are undone."""
        self.standing.append(write)
        return self

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
    """No such object, or one the user may not know of (404: its existence is not revealed). `hidden`: the
    object exists but is not the user's to see (another organization's): audited as a refusal."""

    def __init__(self, obj=None):
        super().__init__()
        self.hidden = obj


def require(allowed: bool) -> None:
    """Raises NotAllowed unless `allowed`: the one way rules and views refuse a role."""
    if not allowed:
        raise NotAllowed()


def found(obj, visible: bool = True):
    """`obj` if it exists and is visible to the user; otherwise NotFound."""
    if obj is None:
        raise NotFound()
    if not visible:
        raise NotFound(obj)
    return obj
