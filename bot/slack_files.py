"""Download a file a staff member uploaded to the bot, with the bot token (files:read).

The token only ever goes to Slack's own hosts (and the configured SLACK_API_URL host); the
size cap is the letter limit, checked against Slack's stated size before downloading and
again while reading."""

from __future__ import annotations

from urllib.parse import urlsplit

from slack_sdk import WebClient

from index.fetch import FetchError, FetchLimits, download, megabytes
from index.letter_store import size_limit

SLACK_FILE_HOSTS = {"files.slack.com", "slack.com", "slack-files.com"}


def file_details(client: WebClient, file: dict) -> dict:
    """The upload's name, size and private download url (a file_share event may carry only its id)."""
    if file.get("url_private_download") or file.get("url_private"):
        return file
    return client.files_info(file=file["id"])["file"]


def download_upload(client: WebClient, file: dict, limits: FetchLimits, api_url: str) -> tuple[str, bytes]:
    """(the file's name, its bytes); FetchError with a code when it cannot be downloaded."""
    details = file_details(client, file)
    name = details.get("name") or details.get("title") or "upload"
    # Slack's stated size against the generous (PDF) limit; the content decides the real one.
    declared, limit = int(details.get("size") or 0), size_limit(".pdf", limits.max_bytes)
    if declared > limit:
        raise FetchError("too_large", f"{name} is over the {megabytes(limit)} MB limit for a letter.",
                         mb=megabytes(limit))
    url = details.get("url_private_download") or details.get("url_private")
    if not url:
        raise FetchError("network", f"Slack gave no download address for {name}.", url="")
    hosts = SLACK_FILE_HOSTS | {urlsplit(api_url).hostname or "slack.com"}
    data = download(url, {"Authorization": f"Bearer {client.token}"}, limits, hosts)
    return name, data
