"""Demo data for `make run`: the people a newcomer signs in as.

Every function here is idempotent: it creates what is missing and leaves what
exists alone, so running it twice changes nothing.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tickets import roles

AGENTS_GROUP = roles.AGENTS
MANAGERS_GROUP = roles.MANAGERS


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    first_name: str
    last_name: str
    is_staff: bool = False
    is_superuser: bool = False
    group: str = ""


DEMO_LOGINS = [
    DemoLogin(
        _("support agent"),
        "agent",
        "demo-agent-2026",
        "Игорь",
        "Петров",
        is_staff=True,
        group=AGENTS_GROUP,
    ),
    DemoLogin(
        _("manager"),
        "manager",
        "demo-manager-2026",
        "Ольга",
        "Кузнецова",
        is_staff=True,
        group=MANAGERS_GROUP,
    ),
    DemoLogin(
        _("administrator"),
        "admin",
        "demo-admin-2026",
        "Администратор",
        "",
        is_staff=True,
        is_superuser=True,
    ),
]


@transaction.atomic
def demo_people_load() -> list[str]:
    """Create the missing demo groups and users; return the new usernames."""
    User = get_user_model()
    roles.roles_ensure(apps.get_model)  # a migration made them; tests flush them
    groups = {
        name: Group.objects.get(name=name) for name in (AGENTS_GROUP, MANAGERS_GROUP)
    }

    created = []
    for login in DEMO_LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user = User.objects.create_user(
            username=login.username,
            password=login.password,
            first_name=login.first_name,
            last_name=login.last_name,
            email=f"{login.username}@portal.example",
            is_staff=login.is_staff,
            is_superuser=login.is_superuser,
        )
        if login.group:
            user.groups.add(groups[login.group])
        created.append(user.username)
    return created
