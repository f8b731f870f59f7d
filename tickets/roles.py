"""The support roles: groups with their permissions, created by a migration.

Which tickets an employee sees follows from their queues (see
``TicketQuerySet.for_staff``); the group says what they may do with them.
Managers read everything and change nothing; administrators may do anything.
"""

AGENTS = "Специалисты поддержки"
SUPERVISORS = "Супервизоры поддержки"
MANAGERS = "Руководители поддержки"
ADMINISTRATORS = "Администраторы портала"

_AGENT_PERMISSIONS = [
    "tickets.view_ticket",
    "tickets.change_ticket",
    "tickets.view_message",
    "tickets.add_message",
    "tickets.view_attachment",
    "tickets.view_ticketevent",
    "tickets.view_callback",
    "tickets.change_callback",
    "tickets.view_notification",
    "accounts.view_subscriber",
    "accounts.view_personalaccount",
    "accounts.view_service",
]
ROLES = {
    AGENTS: _AGENT_PERMISSIONS,
    SUPERVISORS: [
        *_AGENT_PERMISSIONS,
        "tickets.view_specialistqueue",
        "tickets.view_queuemembership",
        "tickets.view_routingrule",
    ],
    # Managers: every "view" permission of the portal's apps, added below.
    MANAGERS: ["tickets.view_all_tickets"],
    ADMINISTRATORS: [],  # every permission of the portal's apps, added below
}
PORTAL_APPS = ("tickets", "accounts", "portal", "faq", "offices")


def roles_ensure(get_model) -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    group_model = get_model("auth", "Group")
    permission_model = get_model("auth", "Permission")
    portal = permission_model.objects.filter(content_type__app_label__in=PORTAL_APPS)
    for name, codes in ROLES.items():
        group, _created = group_model.objects.get_or_create(name=name)
        wanted = list(
            permission_model.objects.filter(
                content_type__app_label__in=[code.split(".")[0] for code in codes],
                codename__in=[code.split(".")[1] for code in codes],
            )
        )
        if name == MANAGERS:
            wanted += list(portal.filter(codename__startswith="view_"))
        if name == ADMINISTRATORS:
            wanted += list(portal)
        group.permissions.add(*wanted)
