"""`complaintbot line ...`: set up the LINE Official Account's rich menu.

    complaintbot line setup-richmenu [SLUG | --shared] [--image PATH] [--keep-old]
    complaintbot line draw-richmenu [--out PATH] [--font PATH --font-bold PATH]

Registered by `bot.cli.main` through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings
from messages.channels import line as msg


def _setup_richmenu(args: argparse.Namespace) -> int:
    from linebot.v3.messaging import ApiException

    from bot.channels.line.channel import api_configuration
    from bot.channels.line.richmenu import IMAGE, MAX_IMAGE_BYTES, setup

    settings = Settings.from_env()
    token = settings.line_channel_access_token
    if args.slug or args.shared:  # an account kept in the database (`org set-line`)
        token = _account_token(settings, args)
    if not token:
        print(msg.CLI_NOT_CONFIGURED, file=sys.stderr)
        return 2
    image = Path(args.image or IMAGE).read_bytes()
    if len(image) > MAX_IMAGE_BYTES:
        print(msg.CLI_IMAGE_TOO_BIG, file=sys.stderr)
        return 2
    try:
        rich_menu_id = setup(
            api_configuration(settings, token), image, replace_old=not args.keep_old
        )
    except ApiException as exc:
        print(msg.CLI_RICHMENU_FAILED.format(status=exc.status, reason=exc.reason), file=sys.stderr)
        return 1
    print(msg.CLI_RICHMENU_DONE.format(rich_menu_id=rich_menu_id))
    return 0


def _account_token(settings: Settings, args: argparse.Namespace) -> str:
    """The access token of an organisation's own LINE account, or of the shared one."""
    from sqlmodel import Session

    from bot.app import UnknownOrganisation, build_core
    from storage import orgs
    from storage.hosting import accounts
    from storage.hosting.account_models import SHARED

    core = build_core(settings)
    try:
        with Session(core.db) as session:
            owner = SHARED if args.shared else args.slug
            if owner != SHARED and orgs.by_slug(session, owner) is None:
                raise UnknownOrganisation(owner)
            row = accounts.get(session, "line", owner)
            return row.token if row is not None else ""
    finally:
        core.db.dispose()


def _draw_richmenu(args: argparse.Namespace) -> int:
    from bot.channels.line.richmenu import IMAGE, NoThaiFont, draw_image, find_fonts

    if args.font and args.font_bold:
        bold, regular = Path(args.font_bold), Path(args.font)
    else:
        try:
            bold, regular = find_fonts()
        except NoThaiFont:
            print(msg.CLI_NO_THAI_FONT, file=sys.stderr)
            return 2
    out = Path(args.out or IMAGE)
    out.write_bytes(draw_image(bold, regular))
    print(msg.CLI_IMAGE_SAVED.format(path=out))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    line = subparsers.add_parser("line", help="LINE Official Account setup")
    sub = line.add_subparsers(dest="line_command", required=True)

    setup = sub.add_parser(
        "setup-richmenu",
        help="create the five-action rich menu, upload its image and make it the default",
    )
    setup.add_argument(
        "slug", nargs="?", default=None, help="an organisation's own account (org set-line)"
    )
    setup.add_argument("--shared", action="store_true", help="the province's shared account")
    setup.add_argument("--image", default=None, help="PNG 2500x843 (default: the bundled one)")
    setup.add_argument(
        "--keep-old", action="store_true", help="keep rich menus made by earlier runs"
    )
    setup.set_defaults(func=_setup_richmenu)

    draw = sub.add_parser("draw-richmenu", help="redraw the rich menu image (needs Pillow)")
    draw.add_argument("--out", default=None, help="where to write the PNG")
    draw.add_argument("--font", default=None, help="regular Thai font (.ttf)")
    draw.add_argument("--font-bold", default=None, help="bold Thai font (.ttf)")
    draw.set_defaults(func=_draw_richmenu)
