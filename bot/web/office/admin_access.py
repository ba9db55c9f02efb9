"""Who may open the administration pages: the roles a page names, or a refusal page (403,
in Thai) for every other officer; a browser without a session is sent to log in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.web.office import pages
from bot.web.office.auth import Officer
from messages.office import admin as msg
from messages.office import pages as page_msg
from storage.staff.accounts import Role


def refusal(request: Request, who: Officer | None) -> Response:
    if who is None:
        root = request.scope.get("root_path", "")
        return pages.message(request, page_msg.LOGIN_TITLE, page_msg.LOGIN_NEEDED, 401,
                             link=f"{root}/login", link_label=page_msg.LOGIN_TITLE)  # fmt: skip
    return pages.message(request, msg.FORBIDDEN_TITLE, msg.FORBIDDEN, 403, who=who)


def allowed(who: Officer | None, *roles: Role) -> bool:
    """`who` holds one of `roles` (an administrator holds every role but the host's one:
    `storage.staff.accounts.roles_of`)."""
    return who is not None and bool(who.roles.intersection(roles))
