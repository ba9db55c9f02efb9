"""Files the bot may hand out by link: a table, so a link can name only a registered file.

LINE shows images only from an HTTPS URL, so statistics charts and workbooks are served by
signed links (`bot.shared_links`). A valid signature is not enough: the file must also be
registered here, so no link can ever reach another store key (a tip's evidence, a photo).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class SharedFile(SQLModel, table=True):
    __tablename__ = "shared_file"

    key: str = Field(primary_key=True, max_length=48)  # the file store's key
    org_id: int = Field(foreign_key="organisation.id")
    name: str = Field(max_length=120)  # the download name, e.g. stats-khaothong-2567-03.xlsx
    mime: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
