"""Signing an inspection record: the inspector signs it, and the head of the inspected place countersigns on the
inspector's phone where the check asks for it (公安部61号令 §26). A signed record is final."""
from __future__ import annotations

from flask_babel import gettext as _

from ..accounts.models import User
from ..audit.services import record
from ..errors import Forbidden, Invalid
from ..signatures.models import Signature, SignedSubject, SignerRole
from ..signatures.services import capture, require_unsigned
from .models import Inspection


def sign(actor: User, inspection: Inspection, role: SignerRole, name: str | None, image: bytes) -> Signature:
    """The inspector's own signature, or a countersignature captured on the inspector's phone."""
    if actor.id != inspection.inspector_id:
        raise Forbidden(_("Only the inspector signs the record, or hands their phone to the countersigner."),
                        code="not_the_inspector")
    if role == SignerRole.inspector:
        name = actor.display_name
    elif role != SignerRole.countersigner:
        raise Invalid(fields={"role": [_("An inspection is signed by its inspector and a countersigner.")]})
    elif not name:
        raise Invalid(fields={"name": [_("Give the countersigner's name and post.")]})
    return capture(actor, SignedSubject.inspection, inspection.id, inspection.school_id, role, name, image)


def amend_note(actor: User, inspection: Inspection, note: str) -> Inspection:
    """The inspector may complete the record's summary until it is signed; afterwards it is final (409)."""
    if actor.id != inspection.inspector_id:
        raise Forbidden(_("Only the inspector may change the record."), code="not_the_inspector")
    require_unsigned(SignedSubject.inspection, inspection.id)
    before, inspection.note = inspection.note, note
    record("inspection.note_amended", actor, object_type="inspection", object_id=inspection.id,
           school_id=inspection.school_id, before=before, after=note)
    return inspection
