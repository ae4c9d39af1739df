"""OpenAI console pages a user is sent to, in one place (diagnosis fixes and live next steps)."""

from __future__ import annotations

CONSOLE = "https://platform.openai.com"
PROJECTS = f"{CONSOLE}/settings/organization/projects"
GENERAL = f"{CONSOLE}/settings/organization/general"
BILLING = f"{CONSOLE}/settings/organization/billing/overview"
API_KEYS = f"{CONSOLE}/api-keys"
STATUS = "https://status.openai.com"
COUNTRIES = f"{CONSOLE}/docs/supported-countries"


def limits_url(project_id: str | None) -> str:
    """The project's Limits page (model allow/deny lists), or the project list when unknown."""
    return f"{CONSOLE}/settings/{project_id}/limits" if project_id else PROJECTS
