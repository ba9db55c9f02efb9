"""The table of sealed file bytes, for deployments whose machines share only the database.

A file is one row per chunk (`CHUNK` bytes, the last shorter) so no single value grows past
what a driver sends comfortably; the bytes are sealed by `storage.files` before they get
here, exactly as on disk.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class FileBlob(SQLModel, table=True):
    __tablename__ = "file_blob"

    key: str = Field(max_length=45, primary_key=True)  # a `storage.files` key
    part: int = Field(primary_key=True)  # 0, 1, ... in order
    data: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
