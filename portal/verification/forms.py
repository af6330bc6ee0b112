from flask_babel import lazy_gettext as _l

from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length, Optional

from ..forms import PortalForm, strip


class VerifyForm(PortalForm):
    code = StringField(_l("Verification code"), filters=[strip], validators=[Optional(), Length(max=20)],
                       description=_l("As printed at the bottom of every page, e.g. 7TR7-DL4K-CGJE."))
    document = FileField(_l("Agreement PDF"))
