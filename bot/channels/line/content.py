"""Fetching what a user sent (photo, video, file) from LINE's content (blob) endpoint.

The body is streamed and cut off at the upload limit: line-bot-sdk's blob client reads a
whole body into memory first, and a user's video can be far larger than the limit. The
SDK's blob client is still used to ask whether a video is ready to be fetched.
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from linebot.v3.messaging import AsyncMessagingApiBlob

from bot.channels.tls import client_context

log = logging.getLogger(__name__)

DATA_HOST = "https://api-data.line.me"
DOWNLOAD_TIMEOUT = 120.0  # seconds for one photo, video or file
# LINE prepares (transcodes) a video before it can be fetched: ask again after these pauses.
VIDEO_READY_PAUSES = (1.0, 2.0, 3.0, 5.0, 5.0)


class ContentTooBig(Exception):
    pass


class ContentUnavailable(Exception):
    pass


class ContentFetcher:
    def __init__(
        self,
        host: str | None,
        access_token: str,
        blob: AsyncMessagingApiBlob,
        *,
        ready_pauses: tuple[float, ...] = VIDEO_READY_PAUSES,
    ) -> None:
        self._blob = blob
        self._ready_pauses = ready_pauses
        self._http = httpx.AsyncClient(
            base_url=(host or DATA_HOST).rstrip("/"),
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=DOWNLOAD_TIMEOUT,
            verify=client_context(),  # the process's one: building a context is costly
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def fetch(self, message_id: str, limit: int, *, video: bool = False) -> tuple[bytes, str]:
        """The content and its MIME type; ContentTooBig past `limit` bytes."""
        if video:
            await self._wait_until_ready(message_id)
        path = f"/v2/bot/message/{message_id}/content"
        async with self._http.stream("GET", path) as response:
            if response.status_code != 200:
                raise ContentUnavailable(response.status_code)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise ContentTooBig
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    raise ContentTooBig
            mime = response.headers.get("content-type", "application/octet-stream")
        return bytes(data), mime.split(";")[0].strip() or "application/octet-stream"

    async def _wait_until_ready(self, message_id: str) -> None:
        for pause in (*self._ready_pauses, None):
            preparation = await self._blob.get_message_content_transcoding_by_message_id(
                message_id, _request_timeout=30
            )
            if preparation.status == "succeeded":
                return
            if preparation.status == "failed" or pause is None:
                raise ContentUnavailable(preparation.status)
            await asyncio.sleep(pause)
