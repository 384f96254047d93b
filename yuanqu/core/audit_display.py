"""The audit log as people read it: objects and fields by their Chinese names, choice values by their labels,
times in the deployment's time zone, stage changes as from → to, and a search by pinyin and initials.

Everything here is computed for the page from the stored event; the events themselves (and their hash chain)
are never changed. A model that no longer exists, a key that is not one of its fields, a value of an unexpected
shape: each is shown as stored rather than refused.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import mask_text
from .models import AuditEvent
from .roles import Role
from .text import pinyin_keys

#: What an empty value (None, "", []) reads as: never the word None.
EMPTY = "—"
#: Fields whose change is a step of a life cycle, shown as "阶段：在谈 → 签约" (in this order of preference).
STAGE_FIELDS = ("stage", "status", "lifecycle")
#: Object types that name no model: what they stand for.
PSEUDO_TYPES: dict[str, Promise] = {
    "url": gettext_lazy("Page or endpoint"),
    "figures": gettext_lazy("Cockpit figures"),
    "tabular.Template": gettext_lazy("Import template"),
}
#: Keys of before/after that are not model fields but are written by the log's own helpers (log-ins, exports,
#: downloads, reads of personal data, refusals, archives): their labels. Any other key is shown as stored.
KNOWN_KEYS: dict[str, Promise] = {
    "refused": gettext_lazy("Refused attempt"),
    "reason": gettext_lazy("Reason"),
    "factor": gettext_lazy("Second factor"),
    "step": gettext_lazy("Step"),
    "recovery_codes_left": gettext_lazy("Recovery codes left"),
    "sessions_ended": gettext_lazy("Sessions ended"),
    "rows": gettext_lazy("Rows"),
    "format": gettext_lazy("Format"),
    "filters": gettext_lazy("Filters"),
    "file": gettext_lazy("File"),
    "bytes": gettext_lazy("Size (bytes)"),
    "kind": gettext_lazy("Kind"),
    "fields": gettext_lazy("Fields"),
    "where": gettext_lazy("Page"),
    "count": gettext_lazy("Events"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
}
#: Stored values of those keys that are codes: what they mean.
KNOWN_VALUES: dict[str, Promise] = {
    "bad credentials": gettext_lazy("wrong user name or password"),
    "locked": gettext_lazy("account locked"),
    "bad second factor": gettext_lazy("wrong verification code"),
    "throttled": gettext_lazy("too many wrong codes"),
    "password": gettext_lazy("password"),
    "totp": gettext_lazy("authenticator app code"),
    "recovery code": gettext_lazy("recovery code"),
    "enrolment": gettext_lazy("setting up the authenticator"),
    "session limit": gettext_lazy("too many sessions at once"),
    "password changed": gettext_lazy("the password was changed"),
    "password reset": gettext_lazy("the password was reset"),
    "second factor reset": gettext_lazy("the second factor was reset"),
}
CHANNELS: dict[str, Promise] = {
    "web": gettext_lazy("Web page"),
    "api": gettext_lazy("API"),
    "cli": gettext_lazy("Server command line"),
}
#: Actor names that stand for the system rather than a person.
SYSTEM_ACTORS: dict[str, Promise] = {
    "system": gettext_lazy("System (scheduled task)"),
    "audit_archive": gettext_lazy("Audit archive command"),
}
#: Tabler badge colours by the kind of action.
BADGES = {
    "create": "bg-green-lt", "update": "bg-blue-lt", "delete": "bg-red-lt", "login": "bg-azure-lt",
    "login_failed": "bg-red-lt", "logout": "bg-secondary-lt", "export": "bg-purple-lt", "download": "bg-purple-lt",
    "import": "bg-cyan-lt", "stage": "bg-indigo-lt", "claim": "bg-teal-lt", "release": "bg-orange-lt",
    "view_personal": "bg-yellow-lt", "archive": "bg-dark-lt", "refused": "bg-red-lt",
}
#: At most this many object names found by pinyin are looked for in the log (shortest first, see
#: :func:`names_by_pinyin`), so a pinyin query stays one bounded statement.
PINYIN_NAME_LIMIT = 20
#: A pinyin query shorter than this matches too much to be useful (one letter), as in the header's search.
PINYIN_MIN_CHARS = 2

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$")
_PINYIN_QUERY = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")


# --- objects, fields and values ------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def model_for(object_type: str) -> type[models.Model] | None:
    """The model an event's ``object_type`` (``enterprises.Settlement``) names, or None if none does (any more)."""
    if object_type.count(".") != 1:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    """``enterprises.Settlement`` → 入驻记录: the model's verbose name; a removed model's label as stored."""
    if not object_type:
        return EMPTY
    model = model_for(object_type)
    if model is not None:
        return str(model._meta.verbose_name)
    if object_type in PSEUDO_TYPES:
        return str(PSEUDO_TYPES[object_type])
    return object_type


@lru_cache(maxsize=512)
def _fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """The model's concrete and many-to-many fields by name and by column name (``park`` and ``park_id``)."""
    out: dict[str, models.Field[Any, Any]] = {}
    for f in model._meta.get_fields():
        if not isinstance(f, models.Field) or (f.auto_created and not f.concrete):
            continue
        out[f.name] = f
        out[f.attname] = f
    return out


def field_of(object_type: str, key: str) -> models.Field[Any, Any] | None:
    """The field ``key`` of the event's model, if both still exist."""
    model = model_for(object_type)
    return _fields(model).get(key) if model is not None else None


def key_label(object_type: str, key: str) -> str:
    """A before/after key as a reader names it: the field's verbose name (through the catalogue), a known key's
    label, or the key as stored."""
    field = field_of(object_type, key)
    if field is not None and field.verbose_name:
        return _(str(field.verbose_name))
    if key in KNOWN_KEYS:
        return str(KNOWN_KEYS[key])
    return key


def is_empty(value: Any) -> bool:
    """None, an empty text or an empty list: shown as —."""
    return value is None or value == "" or value == [] or value == {}


def local_datetime(value: dt.datetime) -> str:
    """An aware time in the deployment's time zone (settings.TIME_ZONE), to the second."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")


def _parsed_datetime(text: str) -> dt.datetime | None:
    if not _ISO_DATETIME.match(text):
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def display_value(value: Any, field: models.Field[Any, Any] | None = None,
                  names: Mapping[tuple[str, str], str] | None = None) -> str:
    """One stored value as text: a choice by its label, a yes/no, a related object by its name and number
    (when ``names`` has it), a stored UTC time in local time, an empty value as —, anything else as stored."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, list):
        return "、".join(display_value(v, field, names) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}: {display_value(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None:
        if field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            if str(value) in labels:
                return labels[str(value)]
        if field.is_relation and field.related_model is not None and not isinstance(field.related_model, str):
            name = (names or {}).get((field.related_model._meta.label, str(value)))
            return f"{name}（#{value}）" if name else f"#{value}"
    if isinstance(value, str):
        moment = _parsed_datetime(value)
        if moment is not None:
            return local_datetime(moment)
        return str(KNOWN_VALUES[value]) if field is None and value in KNOWN_VALUES else value
    return str(value)


def same_value(a: Any, b: Any) -> bool:
    """Whether two stored values read the same: both empty, equal, or the same number (``286`` and ``286.00``)."""
    if is_empty(a) and is_empty(b):
        return True
    if a == b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if isinstance(a, str | int | float) and isinstance(b, str | int | float):
        try:
            return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
        except decimal.InvalidOperation:
            return False
    return False


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"": value}


# --- one event -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    """One row of the before/after table: the field's label, both values as text, whether it changed."""

    key: str
    label: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class EventView:
    """An event as the log's pages and export show it."""

    event: AuditEvent
    kind: str
    action: str
    badge: str
    type_label: str
    actor: str
    actor_name: str
    actor_login: str
    summary: str
    channel: str
    role: str
    at: str


def action_of(event: AuditEvent) -> tuple[str, str]:
    """The kind of action (for its colour) and its label: 新建/修改/删除/登录/导出/阶段变更 …; an update that
    takes a lead from the pool is 认领 and one that puts it back 退回公海; a refused attempt says so."""
    before, after = _as_dict(event.before), _as_dict(event.after)
    base = str(event.get_action_display()) if event.action in AuditEvent.Action.values else event.action
    if set(after) == {"refused"}:
        return "refused", _("%(action)s (refused)") % {"action": base}
    if event.action == AuditEvent.Action.UPDATE and {"owner_id", "owned_since"} <= set(after):
        was, now = before.get("owner_id"), after.get("owner_id")
        if is_empty(was) and not is_empty(now):
            return "claim", _("Claim")
        if not is_empty(was) and is_empty(now):
            return "release", _("Release to the pool")
    return event.action, base


def stage_change(event: AuditEvent) -> tuple[str, str, str] | None:
    """The life-cycle step an update or stage change made: (the field's label, from, to) by the choices' labels."""
    if event.action not in (AuditEvent.Action.UPDATE, AuditEvent.Action.STAGE):
        return None
    before, after = _as_dict(event.before), _as_dict(event.after)
    for key in STAGE_FIELDS:
        if key in after and not same_value(before.get(key), after.get(key)):
            field = field_of(event.object_type, key)
            return (key_label(event.object_type, key), display_value(before.get(key), field),
                    display_value(after.get(key), field))
    return None


def _auto_field(object_type: str, key: str) -> bool:
    """A field the database or Django keeps by itself (the key, a timestamp): not worth naming in a summary."""
    field = field_of(object_type, key)
    return key == "id" or (field is not None and (field.primary_key or getattr(field, "auto_now", False)
                                                  or getattr(field, "auto_now_add", False)))


def summary(event: AuditEvent, kind: str | None = None) -> str:
    """One line saying what happened: 阶段：在谈 → 签约; 修改：地址、面积; 原因：用户名或密码错误 …"""
    kind = kind or action_of(event)[0]
    before, after = _as_dict(event.before), _as_dict(event.after)
    if kind == "refused":
        return f"{key_label('', 'refused')}：{after['refused']}"
    step = stage_change(event)
    if step is not None:
        return f"{step[0]}：{step[1]} → {step[2]}"
    if kind in ("claim", "release"):
        return ""
    if event.action in (AuditEvent.Action.UPDATE, AuditEvent.Action.STAGE) and event.before is not None:
        changed = [k for k in dict.fromkeys([*before, *after])
                   if not same_value(before.get(k), after.get(k)) and not _auto_field(event.object_type, k)]
        if not changed:
            return ""
        labels = [key_label(event.object_type, k) for k in changed[:4]]
        more = _("and %(n)d more") % {"n": len(changed) - 4} if len(changed) > 4 else ""
        return _("Changed: %(fields)s") % {"fields": "、".join(labels) + (f" {more}" if more else "")}
    if event.action in (AuditEvent.Action.CREATE, AuditEvent.Action.DELETE):
        return ""
    parts = []
    for key, value in list(after.items())[:3]:
        if key == "fields" and isinstance(value, list):
            text = "、".join(key_label(event.object_type, str(v)) for v in value)
        else:
            text = display_value(value, field_of(event.object_type, key))
        parts.append(f"{key_label(event.object_type, key)}：{text}")
    return "；".join(parts)


def actor_names(event: AuditEvent) -> tuple[str, str]:
    """Who acted, as (name, user name): (张伟, zhangwei); (zhangwei, "") for a user without a full name; a system
    task or the server's command line by what it is."""
    actor = event.actor if event.actor_id is not None else None
    username = event.actor_username
    name = getattr(actor, "display_name", "") if actor is not None else ""
    if name and name != username:
        return name, username
    if username in SYSTEM_ACTORS and actor is None:
        return str(SYSTEM_ACTORS[username]), ""
    if username:
        return username, ""
    return (str(CHANNELS["cli"]) if event.channel == "cli" else EMPTY), ""


def actor_label(event: AuditEvent) -> str:
    """Who acted, on one line: 张伟（zhangwei）, zhangwei, 系统（定时任务）, 服务器命令行."""
    name, login = actor_names(event)
    return f"{name}（{login}）" if login else name


def role_label(code: str) -> str:
    """A role's name, or the stored code if it is not a role (any more); — for none."""
    if not code:
        return EMPTY
    return str(Role(code).label) if code in Role.values else code


def view(event: AuditEvent) -> EventView:
    """Everything the list and the export show of one event."""
    kind, action = action_of(event)
    name, login = actor_names(event)
    return EventView(
        event=event, kind=kind, action=action, badge=BADGES.get(kind, "bg-secondary-lt"),
        type_label=type_label(event.object_type), actor=f"{name}（{login}）" if login else name, actor_name=name,
        actor_login=login, summary=summary(event, kind),
        channel=str(CHANNELS[event.channel]) if event.channel in CHANNELS else (event.channel or EMPTY),
        role=role_label(event.role), at=local_datetime(event.at),
    )


def related_names(event: AuditEvent, limit: int = 100) -> dict[tuple[str, str], str]:
    """The current names of the objects the event's before/after refer to (a park id → 信联天地), by (model
    label, pk): one query per related model, at most ``limit`` objects each, masked as the log masks names."""
    wanted: dict[type[models.Model], set[str]] = {}
    for data in (_as_dict(event.before), _as_dict(event.after)):
        for key, value in data.items():
            field = field_of(event.object_type, key)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            if isinstance(field.related_model, str):
                continue
            for v in value if isinstance(value, list) else [value]:
                if not is_empty(v) and isinstance(v, str | int):
                    wanted.setdefault(field.related_model, set()).add(str(v))
    names: dict[tuple[str, str], str] = {}
    for model, pks in wanted.items():
        try:
            rows = list(model._base_manager.filter(pk__in=sorted(pks)[:limit]).select_related())
        except (ValueError, TypeError, ValidationError):
            continue
        for obj in rows:
            names[(model._meta.label, str(obj.pk))] = mask_text(str(obj))[:200]
    return names


def field_rows(event: AuditEvent, names: Mapping[tuple[str, str], str] | None = None) -> list[FieldRow]:
    """The before/after table: one row per key (stored order), values as text, changed rows marked."""
    before, after = _as_dict(event.before), _as_dict(event.after)
    has_both = event.before is not None and event.after is not None
    rows = []
    for key in dict.fromkeys([*before, *after]):
        field = field_of(event.object_type, key)
        b, a = before.get(key), after.get(key)
        if key == "fields" and field is None:
            shown = ["、".join(key_label(event.object_type, str(x)) for x in v) if isinstance(v, list) else
                     display_value(v) for v in (b, a)]
        else:
            shown = [display_value(v, field, names) for v in (b, a)]
        # Changed as the reader sees it: 286 and 286.00, or two times within the same second, read the same.
        rows.append(FieldRow(key=key, label=key_label(event.object_type, key) if key else _("Value"),
                             before=shown[0], after=shown[1],
                             changed=has_both and shown[0] != shown[1] and not same_value(b, a)))
    return rows


def raw_json(value: Any) -> str:
    """A stored before/after as indented JSON, for the record's evidence (not Python's repr); — for none."""
    return EMPTY if value is None else json.dumps(value, ensure_ascii=False, indent=2)


def zone_label() -> str:
    """The deployment's time zone as the pages state it once: 北京时间 UTC+08:00, or the zone's name."""
    offset = timezone.localtime().strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    china = settings.TIME_ZONE in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC")
    return f"{_('Beijing time') if china else settings.TIME_ZONE} {utc}"


# --- search --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _keys(text: str) -> tuple[str, str]:
    return pinyin_keys(text)


def pinyin_query(q: str) -> str:
    """The query as a pinyin key (lower case, no spaces), or "" if it is not one (Chinese, an IP, too short)."""
    key = q.lower().replace(" ", "")
    return key if len(key) >= PINYIN_MIN_CHARS and _PINYIN_QUERY.fullmatch(key) else ""


def matching_actor_ids(q: str, region: str | None) -> list[int]:
    """Users of ``region`` and below whose user name or full name contains ``q``, or whose full name's pinyin or
    initials contain it (``zw`` and ``zhangwei`` find 张伟).

    The names are few (the accounts of one region) and their pinyin is computed here once per process and name;
    the log is then filtered by ``actor_id IN (…)``, on its foreign-key index.
    """
    users = get_user_model()._default_manager.all()
    in_region = getattr(users, "in_region", None)
    if in_region is not None:
        users = in_region(region)
    text = q.strip()
    ids = list(users.filter(Q(username__icontains=text) | Q(display_name__icontains=text))
               .values_list("pk", flat=True)[:500])
    key = pinyin_query(text)
    if key:
        for pk, name in users.exclude(display_name="").values_list("pk", "display_name"):
            full, initials = _keys(name)
            if key in full or key in initials:
                ids.append(pk)
    return sorted(set(ids))


@lru_cache(maxsize=1)
def _pinyin_models() -> tuple[type[models.Model], ...]:
    """The models whose names carry pinyin search keys (``name``, ``name_pinyin``, ``name_initials``)."""
    return tuple(m for m in apps.get_models()
                 if {"name", "name_pinyin", "name_initials"} <= {f.name for f in m._meta.concrete_fields})


def names_by_pinyin(key: str, region: str | None) -> tuple[list[str], bool]:
    """Names of parks, enterprises and leads of ``region`` whose stored pinyin or initials contain ``key``: the
    texts to look for in the log's object names (``xltd`` → 信联天地, which also finds 信联天地's settlements and
    projects). A name containing a shorter one found is dropped; at most :data:`PINYIN_NAME_LIMIT`, and whether
    more were found."""
    found: set[str] = set()
    for model in _pinyin_models():
        rows = model._default_manager.all()
        in_region = getattr(rows, "in_region", None)
        if in_region is not None:
            rows = in_region(region)
        found.update(rows.filter(Q(name_pinyin__contains=key) | Q(name_initials__contains=key))
                     .order_by(Length("name"), "name").values_list("name", flat=True)[:PINYIN_NAME_LIMIT + 1])
    chosen: list[str] = []
    for name in sorted(found, key=lambda n: (len(n), n)):
        if name and not any(c in name for c in chosen):
            chosen.append(name)
    return chosen[:PINYIN_NAME_LIMIT], len(chosen) > PINYIN_NAME_LIMIT


def search(qs: QuerySet[AuditEvent], q: str, *, region: str | None,
           notes: list[str] | None = None) -> QuerySet[AuditEvent]:
    """Events whose actor or object matches ``q``: the text in the user name or object name, an IP address's
    beginning, a user's full name or its pinyin/initials, or an object name found by pinyin/initials.

    All of it is one WHERE clause: ``actor_id IN (…)`` for the users found, and ``object_repr`` containing the
    text or one of the names found (at most :data:`PINYIN_NAME_LIMIT`; a note says when more matched). Neither
    database indexes a "contains" match, so a search reads the region's events once for the page and once to
    count them (``bench/audit/run.py`` measures it).
    """
    text = q.strip()
    # Text without letters that have a case (Chinese, digits) is matched as it is: LIKE, not UPPER(…) LIKE,
    # several times cheaper on a large log; so are the names found by pinyin, which are stored exactly so.
    if text.lower() == text.upper():
        cond = Q(actor_username__contains=text) | Q(object_repr__contains=text)
    else:
        cond = Q(actor_username__icontains=text) | Q(object_repr__icontains=text)
    if _looks_like_ip(text):
        cond |= Q(ip__startswith=text)
    actors = matching_actor_ids(text, region)
    if actors:
        cond |= Q(actor_id__in=actors)
    key = pinyin_query(text)
    if key:
        names, more = names_by_pinyin(key, region)
        for name in names:
            cond |= Q(object_repr__contains=name)
        if more and notes is not None:
            notes.append(_("Many names match “%(q)s”; only events of the %(n)d shortest are shown. Type more "
                           "letters to narrow the search.") % {"q": text, "n": len(names)})
    return qs.filter(cond)


def _looks_like_ip(q: str) -> bool:
    return all(ch.isdigit() or ch in ".:abcdef" for ch in q.lower())


def object_type_choices(types: Iterable[str]) -> list[tuple[str, str]]:
    """The object-type filter's options: stored types by their Chinese names, in pinyin order."""
    options = [(t, type_label(t)) for t in types if t]
    return sorted(options, key=lambda o: (_keys(o[1])[0], o[1]))
