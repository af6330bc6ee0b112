"""Every table of the portal, imported together so that the mappers can resolve the names by which models
of different domains refer to each other ("Organization", "User", …). The app factory and Alembic load it."""
from .accounts import models as accounts  # noqa: F401
from .agreements import models as agreements  # noqa: F401
from .api import models as api  # noqa: F401
from .audit import models as audit  # noqa: F401
from .certificates import models as certificates  # noqa: F401
from .exchanges import models as exchanges  # noqa: F401
from .mail import models as mail  # noqa: F401
from .notifications import models as notifications  # noqa: F401
from .orgs import models as orgs  # noqa: F401
from .reports import models as reports  # noqa: F401
from .resources import models as resources  # noqa: F401
