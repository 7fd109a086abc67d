"""Slack bot settings from the environment / `.env` (on top of the engine's settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from index.errors import UserError
from index.settings import EngineSettings


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class BotSettings(EngineSettings):
    slack_bot_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_alias("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_alias("SLACK_APP_TOKEN", "slack_app_token"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_alias("SLACK_API_URL", "slack_api_url"))
    announce_channel: str | None = Field(
        None, validation_alias=_alias("LEDENBOT_ANNOUNCE_CHANNEL", "announce_channel")
    )
    staff: Annotated[list[str], NoDecode] = Field(default_factory=list, validation_alias=_alias("LEDENBOT_STAFF", "staff"))
    state_dir: Path = Field(Path(".ledenbot/state"), validation_alias=_alias("LEDENBOT_STATE_DIR", "state_dir"))
    port: int = Field(3000, validation_alias=_alias("PORT", "port"))
    announce_backfill: bool = Field(
        False, validation_alias=_alias("LEDENBOT_ANNOUNCE_BACKFILL", "announce_backfill")
    )
    slack_timeout: float = Field(15.0, validation_alias=_alias("LEDENBOT_SLACK_TIMEOUT", "slack_timeout"))
    # How often the bot looks for a build made elsewhere (e.g. `ledenbot reindex` in a shell).
    watch_seconds: float = Field(30.0, validation_alias=_alias("LEDENBOT_WATCH_SECONDS", "watch_seconds"))

    @field_validator("staff", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    def require(self, socket_mode: bool) -> None:
        """One sentence naming every missing setting the chosen mode needs."""
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token}
        if socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        else:
            needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        missing = [name for name, value in needed.items() if value is None or not value.get_secret_value()]
        if missing:
            raise UserError(
                f"Missing setting{'s' if len(missing) > 1 else ''} {', '.join(missing)}: set "
                f"{'them' if len(missing) > 1 else 'it'} in the environment or in .env (see the README, "
                "\"Install in your workspace\")."
            )

    def secrets(self) -> list[str]:
        return [s.get_secret_value() for s in (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
                if s is not None and s.get_secret_value()]
