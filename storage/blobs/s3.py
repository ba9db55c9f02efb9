"""Sealed files in an S3-compatible object store (AWS S3, MinIO, Ceph, a cloud's own).

For deployments whose machines share the files but would rather not keep them in
PostgreSQL: `COMPLAINTBOT_FILES_URL=s3://bucket/prefix`. The connection is boto3's own
settings (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL_S3` for a server
other than AWS, `AWS_DEFAULT_REGION`), so every credential stays out of our settings. An
object is the file's sealed bytes under `prefix/ab/key`, written in one PUT (a reader sees
the old object or the new, never half). A deleted object cannot be overwritten first as on
disk: keep versioning off on the bucket (the bytes were sealed all along, see SECURITY.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from messages.cli import settings as msg
from storage.bad_setting import BadSetting

URL = "COMPLAINTBOT_FILES_URL"
_NAME = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


class S3Blobs:
    kind = "s3"

    def __init__(self, url: str, client: Any = None) -> None:
        """`url`: `s3://bucket` or `s3://bucket/some/prefix`."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise BadSetting(URL, msg.FILES_URL_SHAPE)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        if client is None:
            try:
                import boto3
            except ImportError as exc:  # an optional dependency: complaintbot[s3]
                raise BadSetting(URL, msg.FILES_S3_PACKAGE) from exc
            client = boto3.client("s3")
        self.client = client

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key[:2]}/{key}"

    def put(self, key: str, data: bytes, *, replace: bool = False) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc
        return answer["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def all_keys(self) -> Iterator[str]:
        found: list[str] = []
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                name = item["Key"].rsplit("/", 1)[-1]
                if _NAME.match(name) and item["Key"] == self._name(name):
                    found.append(name)
        yield from sorted(found)

    def prepare(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)  # fails at start, not at the first photo
