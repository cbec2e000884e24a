"""Users, roles and sessions: the rules. Services flush; the request (or CLI command) commits."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, select, update

from ..audit.services import client_ip, record
from ..core import ratelimit
from ..core.auth import new_token
from ..core.clock import now
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..schools.models import Region, School, SchoolClass
from .models import ApiToken, Role, RoleAssignment, User
from .passwords import check_policy, hash_password, verify_password
from .scope import Capability, holds, is_admin, may, may_region, region_ids, school_ids

LOGIN_BUCKET = "login"


@dataclass
class LoginResult:
    user: User | None
    token: str | None = None
    expires_in: int = 0


def login_lockouts(username: str) -> dict[str, ratelimit.Lockout]:
    """Who is locked after failed logins (OWASP Authentication Cheat Sheet, "Login Throttling"): an account from one
    address early, an account from anywhere later, with locks doubling after each further failure; an address
    only at a much higher count, so one user's typos never lock out a school (or a carrier's NAT) behind it."""
    cfg, name = current_app.config, username.strip().lower()  # at most 64 (LoginIn): keys fit String(128)
    first, memory = cfg["LOGIN_LOCKOUT"], cfg["LOGIN_FAILURE_MEMORY"]
    return {f"user:{name}@{client_ip()}": ratelimit.Lockout(cfg["LOGIN_MAX_FAILURES"], first, memory),
            f"user:{name}": ratelimit.Lockout(cfg["LOGIN_ACCOUNT_MAX_FAILURES"], first, memory),
            f"ip:{client_ip()}": ratelimit.Lockout(cfg["LOGIN_ADDRESS_MAX_FAILURES"], first, first)}


def login(username: str, password: str, user_agent: str = "") -> LoginResult:
    """Check credentials, unless the account, the account from this address, or the address is locked (429).

    The attempt counts as a failure from before the password is checked (committed apart, so parallel guesses
    count too); it is withdrawn when the password is right, which also forgets the account's failures from here.
    """
    lockouts = login_lockouts(username)
    ratelimit.refuse_if_locked(LOGIN_BUCKET, lockouts)
    attempt = ratelimit.record(LOGIN_BUCKET, list(lockouts))
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        record("auth.login_failed", user, object_type="user", object_id=user.id if user else None,
               username=username[:64])
        return LoginResult(None)
    ratelimit.withdraw(attempt)
    ratelimit.clear(LOGIN_BUCKET, list(lockouts)[:1])
    token, token_hash = new_token()
    lifetime = current_app.config["TOKEN_LIFETIME"]
    db.session.add(ApiToken(token_hash=token_hash, user_id=user.id, expires_at=now() + lifetime,
                            user_agent=user_agent[:200]))
    record("auth.login", user, object_type="user", object_id=user.id)
    return LoginResult(user, token, int(lifetime.total_seconds()))


def logout(actor: User, token: ApiToken) -> None:
    token.revoked_at = now()
    record("auth.logout", actor, object_type="user", object_id=actor.id)


def revoke_all_tokens(user: User) -> int:
    return db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .values(revoked_at=now())).rowcount


# --- user administration -------------------------------------------------------------------------------

# What a principal may grant at their own school: its safety officer (an inspector) and its class teachers.
SCHOOL_STAFF_ROLES = (Role.inspector, Role.class_teacher)


def may_manage_users(actor: User) -> bool:
    """Admins and offices manage users in their scope; a principal (who manages a school) its staff."""
    return holds(actor, Capability.manage)


def visible_users(actor: User, filters: dict) -> Select:
    """Admins see every user; an office sees users holding a role in its region's schools or regions; a principal
    sees the users holding a school-staff role at their school."""
    query = select(User)
    if not is_admin(actor):
        in_scope = exists().where(
            RoleAssignment.user_id == User.id,
            RoleAssignment.school_id.in_(school_ids(actor, Capability.oversee))
            | RoleAssignment.region_id.in_(region_ids(actor, Capability.oversee))
            | (RoleAssignment.school_id.in_(school_ids(actor, Capability.manage))
               & RoleAssignment.role.in_(SCHOOL_STAFF_ROLES)))
        query = query.where(in_scope)
    if school_id := filters.get("school_id"):
        query = query.where(exists().where(RoleAssignment.user_id == User.id, RoleAssignment.school_id == school_id))
    if q := filters.get("q"):
        query = query.where(User.username.contains(q, autoescape=True) | User.display_name.contains(q, autoescape=True))
    if (active := filters.get("active")) is not None:
        query = query.where(User.active.is_(active))
    if role := filters.get("role"):
        query = query.where(exists().where(RoleAssignment.user_id == User.id, RoleAssignment.role == role))
    return query.order_by(User.username)


def get_visible_user(actor: User, user_id: int) -> User:
    user = db.session.scalar(visible_users(actor, {}).where(User.id == user_id))
    if user is None:
        raise NotFound()
    return user


def _resolve_scope(role: Role, school_code: str | None, region_code: str | None,
                   school_id: int | None = None, region_id: int | None = None,
                   class_id: int | None = None) -> RoleAssignment:
    if role == Role.class_teacher or class_id is not None:
        return _class_assignment(role, class_id, school_code or school_id or region_code or region_id)
    school = region = None
    if school_code or school_id:
        school = db.session.scalar(select(School).where(
            School.code == school_code if school_code else School.id == school_id))
        if school is None:
            raise Invalid(fields={"school": [_("No such school.")]})
    if region_code or region_id:
        region = db.session.scalar(select(Region).where(
            Region.code == region_code if region_code else Region.id == region_id))
        if region is None:
            raise Invalid(fields={"region": [_("No such region.")]})
    needs = {Role.admin: (False, False), Role.principal: (True, False), Role.safety_office: (False, True)}
    wants_school, wants_region = needs.get(role, (school is not None, region is not None))
    if (school is not None) != wants_school or (region is not None) != wants_region or (
            role == Role.inspector and (school is None) == (region is None)):
        raise Invalid(fields={"role": [_("This role needs a different scope (%(role)s).", role=role.value)]})
    return RoleAssignment(role=role, school=school, region=region)


def _class_assignment(role: Role, class_id: int | None, other_scope) -> RoleAssignment:
    """A class teacher's scope is one class (its school follows from it), and only theirs is a class."""
    if role != Role.class_teacher or class_id is None or other_scope:
        raise Invalid(fields={"role": [_("This role needs a different scope (%(role)s).", role=role.value)]})
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        raise Invalid(fields={"class_id": [_("No such class.")]})
    return RoleAssignment(role=role, school_id=school_class.school_id, school=school_class.school,
                          class_id=school_class.id, school_class=school_class)


def _assignment_from(data: dict) -> RoleAssignment:
    return _resolve_scope(Role(data["role"]), data.get("school_code"), data.get("region_code"),
                          data.get("school_id"), data.get("region_id"), data.get("class_id"))


def _check_may_grant(actor: User, assignment: RoleAssignment) -> None:
    """Only admins make admins; an office grants roles only inside its own region."""
    if is_admin(actor):
        return
    if assignment.role == Role.admin:
        raise Forbidden()
    if assignment.school is not None:
        allowed = may(actor, Capability.oversee, assignment.school.id) or (
            assignment.role in SCHOOL_STAFF_ROLES and may(actor, Capability.manage, assignment.school.id))
    else:
        allowed = may_region(actor, Capability.oversee, assignment.region.id)
    if not allowed:
        raise Forbidden()


def create_user(actor: User | None, *, username: str, password: str, roles: list[dict],
                display_name: str = "", email: str | None = None, phone: str | None = None,
                locale: str | None = None) -> User:
    """Create a user with role assignments (`actor` None means the operator's CLI)."""
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise Conflict(_("The username %(u)s is taken.", u=username), code="username_taken")
    check_policy(password, username)
    assignments = [_assignment_from(r) for r in roles]
    if actor is not None:
        for assignment in assignments:
            _check_may_grant(actor, assignment)
    user = User(username=username, display_name=display_name or username, email=email, phone=phone,
                locale=locale, password_hash=hash_password(password), roles=assignments)
    db.session.add(user)
    db.session.flush()
    record("user.created", actor, object_type="user", object_id=user.id, username=username,
           roles=[_describe(a) for a in assignments])
    return user


def _describe(a: RoleAssignment) -> str:
    scope = a.school.code if a.school else a.region.code if a.region else "*"
    if a.class_id:
        scope = f"{scope}/class:{a.class_id}"
    return f"{a.role.value}@{scope}"


def _check_may_manage(actor: User, user: User) -> None:
    """Another user's password, account or roles: only whoever may grant every role they hold."""
    if user.id != actor.id:
        for assignment in user.roles:
            _check_may_grant(actor, assignment)


def update_user(actor: User, user: User, changes: dict) -> User:
    """Change profile fields, password, active flag or roles; disabling revokes every token at once."""
    if set(changes) & {"password", "active", "roles", "email", "phone"}:
        _check_may_manage(actor, user)
    for field in ("display_name", "email", "phone", "locale"):
        if field in changes:
            setattr(user, field, changes[field])
    if "password" in changes:
        check_policy(changes["password"], user.username)
        user.password_hash = hash_password(changes["password"])
        revoke_all_tokens(user)
        record("user.password_changed", actor, object_type="user", object_id=user.id)
    if "roles" in changes:
        if user.id == actor.id:
            raise Forbidden(_("You cannot change your own roles."))
        new = [_assignment_from(r) for r in changes["roles"]]
        for assignment in [*user.roles, *new]:
            _check_may_grant(actor, assignment)
        before = [_describe(a) for a in user.roles]
        user.roles = new
        revoke_all_tokens(user)
        record("user.roles_changed", actor, object_type="user", object_id=user.id,
               before=before, after=[_describe(a) for a in new])
    if "active" in changes and changes["active"] != user.active:
        set_active(actor, user, changes["active"])
    db.session.flush()
    return user


def set_active(actor: User | None, user: User, active: bool) -> None:
    if actor is not None and user.id == actor.id and not active:
        raise Forbidden(_("You cannot disable yourself."))
    user.active = active
    user.disabled_at = None if active else now()
    revoked = 0 if active else revoke_all_tokens(user)
    record("user.enabled" if active else "user.disabled", actor, object_type="user", object_id=user.id,
           tokens_revoked=revoked)
