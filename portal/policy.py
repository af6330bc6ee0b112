"""Who may do what: one function per permission, asked by views, templates and tests.

Every function takes the acting user (possibly anonymous) first. Views turn a False
into 404 where the object belongs to another organization (its existence is not
revealed) and into 403 where the user sees the object but lacks the role.
"""


def _authenticated(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False))


def is_coordinator(user) -> bool:
    return _authenticated(user) and user.is_coordinator and user.org.is_active


def can_write(user) -> bool:
    """People of a suspended organization may log in but only read."""
    return _authenticated(user) and user.org.is_active


def belongs_to(user, org) -> bool:
    return _authenticated(user) and user.org_id == org.id


def can_see_org(user, org) -> bool:
    """The public profile: active and suspended members for all; any state for its own people and coordinators."""
    return org.is_public or belongs_to(user, org) or is_coordinator(user)


def can_see_people(user, org) -> bool:
    return belongs_to(user, org) or is_coordinator(user)


def can_manage_org(user, org) -> bool:
    """Edit the profile, invite, change roles, remove people."""
    return belongs_to(user, org) and user.is_representative and can_write(user)


def can_review_applications(user) -> bool:
    return is_coordinator(user)


def can_suspend(user, org) -> bool:
    return is_coordinator(user) and not org.is_coordinating


def can_view_audit_log(user) -> bool:
    return is_coordinator(user)


def can_see_network_statistics(user) -> bool:
    return is_coordinator(user)


def can_see_org_report(user, org) -> bool:
    """What an organization gave and received, and its volunteer report: its own people and coordinators."""
    return belongs_to(user, org) or is_coordinator(user)


def is_network_member(user) -> bool:
    """Logged in as a person of a member organization: sees what is shared with the network."""
    return _authenticated(user) and user.org.is_public


def can_edit_catalogue(user, org) -> bool:
    """Publish, edit, pause or archive the offers and needs of `org`."""
    return belongs_to(user, org) and can_write(user)


def can_view_entry(user, entry) -> bool:
    """An offer or need: active ones by visibility; paused and archived ones only inside."""
    if belongs_to(user, entry.org) or is_coordinator(user):
        return True
    if entry.state != "active":
        return False
    return entry.visibility == "public" or is_network_member(user)


def can_act_for(user, org) -> bool:
    """Act on behalf of `org` in exchanges: any of its people while it is active."""
    return belongs_to(user, org) and can_write(user)


def can_request_exchange(user, resource) -> bool:
    return (can_write(user) and user.org_id != resource.org_id and resource.state == "active"
            and can_view_entry(user, resource))


def can_confirm_exchange(user, exchange) -> bool:
    """Confirm what happened in an exchange (as agreed, the figures, a no-show) for one's side: any of the
    side's people while it is active, as for completing it: whoever handled the exchange knows what happened,
    and the representatives see and may change the side's confirmation while it is open."""
    return can_act_for(user, exchange.owner_org) or can_act_for(user, exchange.requester_org)


def can_resolve_dispute(user) -> bool:
    """Settle a disputed exchange (the figures that count, with a note): the network's coordinators. They see an
    exchange only on its dispute page, without the sides' comments and messages, which stay the sides' own."""
    return is_coordinator(user)


def can_enter_volunteer_hours(user, org) -> bool:
    """Add or remove the volunteer hours of work outside the portal in the organization's volunteer report:
    its representatives (the report is the organization's declaration under the Volunteer Service Law)."""
    return can_manage_org(user, org)


def can_see_projects(user, org) -> bool:
    """An organization's projects and their co-financing reports: like its reports, its own people and the
    coordinators (who check what members declare to funders); another organization gets 404."""
    return can_see_org_report(user, org)


def can_manage_projects(user, org) -> bool:
    """Create, edit, archive the organization's projects: its representatives, while it is active (the report is
    the organization's declaration to its funder)."""
    return can_manage_org(user, org)


def can_tag_exchange(user, exchange) -> bool:
    """Tag an exchange with one of the own organization's projects, or untag it: a representative of one of
    its two sides, for that side only."""
    return is_exchange_party(user, exchange) and can_manage_projects(user, user.org)


def is_exchange_party(user, exchange) -> bool:
    """Exchanges, their messages and conditions are seen by the two organizations only."""
    return _authenticated(user) and user.org_id in (exchange.owner_org_id, exchange.requester_org_id)


# ---------------------------------------------------------------- agreements

def can_draft_agreement(user) -> bool:
    """Representatives of active organizations draft agreements for their organization."""
    return can_write(user) and user.is_representative


def is_agreement_party(user, agreement) -> bool:
    return _authenticated(user) and user.org_id in agreement.party_org_ids()


def can_view_agreement(user, agreement) -> bool:
    """The parties' people and the coordinators; everyone else gets 404."""
    return is_agreement_party(user, agreement) or is_coordinator(user)


def can_edit_agreement(user, agreement) -> bool:
    """The text, term and clauses: the drafting organization's representatives, while draft or returned."""
    return (agreement.is_editable and user.org_id == agreement.drafting_org_id
            and can_draft_agreement(user))


def can_comment_agreement(user, agreement) -> bool:
    return can_write(user) and can_view_agreement(user, agreement)


def can_decide_agreement(user, agreement) -> bool:
    """Approve or return a submitted agreement."""
    return is_coordinator(user) and agreement.state == "submitted"


def can_choose_signatory(user, agreement) -> bool:
    """Who signs for the organization is the organization's representatives' choice, until approval."""
    return (agreement.state in ("draft", "submitted", "returned") and is_agreement_party(user, agreement)
            and can_draft_agreement(user))


def unsigned_party(user, agreement):
    """The user's party, while the agreement is being signed (approved, and its signing copy made), if the
    party has not signed yet and the user is one of its representatives (and may act); otherwise None."""
    if agreement.state != "approved" or agreement.certified_at is None or not can_draft_agreement(user):
        return None
    party = agreement.party_for(user.org_id)
    return party if party is not None and party.signature is None else None


def can_sign_agreement(user, agreement) -> bool:
    """Signing in the portal: the representative named for the party, once approved, until the party has signed."""
    party = unsigned_party(user, agreement)
    return party is not None and party.signatory_id == user.id


def can_upload_signature(user, agreement) -> bool:
    """Any representative of a party that has not signed may upload the party's own qualified signature."""
    return unsigned_party(user, agreement) is not None


def can_terminate_agreement(user, agreement) -> bool:
    """A coordinator, or a party's representative; the network agreement itself (not an accession) binds
    every member, so only a coordinator ends it (a member leaves the network instead)."""
    if agreement.state not in ("approved", "in_force"):
        return False
    if is_coordinator(user):
        return True
    is_network_agreement = agreement.kind == "network" and agreement.accedes_to_id is None
    return not is_network_agreement and is_agreement_party(user, agreement) and can_draft_agreement(user)



# ---------------------------------------------------------------- the API

def can_manage_api_tokens(user) -> bool:
    """Create API tokens: people of active organizations (a suspended one only reads, and its tokens rest)."""
    return can_write(user)


def token_owner_may_use_api(user) -> bool:
    """A token works while its person has an account in an active organization: removing the person or
    suspending the organization stops every token of theirs at once."""
    return (user is not None and user.removed_at is None and user.password_hash is not None
            and user.org.is_active)


def token_may_write(token) -> bool:
    """The read-write scope acts as its person would; a read token only reads."""
    return token is not None and token.allows_writes


def can_manage_webhooks(user, org) -> bool:
    """Register, test and remove the organization's webhooks: its representatives, while it is active."""
    return can_manage_org(user, org)
