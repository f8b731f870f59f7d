"""Panels that other apps add to the subscriber's dashboard.

The dashboard belongs to ``accounts``, which imports nothing from the apps
that build on it; those apps register their panel here when they load.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template_name: str
    context: Callable  # (user) -> dict
    order: int = 100


_PANELS: list[Panel] = []


def dashboard_panel_register(*, template_name: str, context: Callable, order=100):
    """Add a panel; its template gets ``panel`` with what ``context(user)`` returns."""
    if any(panel.template_name == template_name for panel in _PANELS):
        return
    _PANELS.append(Panel(template_name, context, order))
    _PANELS.sort(key=lambda panel: panel.order)


def dashboard_panels(user) -> list[dict]:
    return [
        {"template_name": panel.template_name, **panel.context(user)}
        for panel in _PANELS
    ]
