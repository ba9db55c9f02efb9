"""A setting from the environment that cannot be used: raised where it is read, told to the
host by the CLI in Thai and English (`messages.cli.settings`), never as a traceback."""

from __future__ import annotations

from messages.cli import settings as msg
from messages.cli.doctor import Say


class BadSetting(ValueError):
    def __init__(self, name: str, need: Say) -> None:
        self.name = name
        self.need = need
        super().__init__(f"{name}: {need.en}")

    @property
    def said(self) -> Say:
        return msg.BAD_SETTING.format(name=self.name, need=self.need)


def whole_number(name: str, value: str, example: str) -> int:
    """`value` of the setting `name` as an int, or `BadSetting`."""
    try:
        return int(value)
    except ValueError:
        raise BadSetting(name, msg.WHOLE_NUMBER.format(example=example, got=value)) from None
