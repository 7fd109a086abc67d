"""Prometheus metrics (`GET /metrics`, the official client library's text format).

Counters are per process: with several replicas, Prometheus scrapes each and sums them.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

REGISTRY = CollectorRegistry(auto_describe=True)

QUESTIONS = Counter("ledenbot_questions", "Questions answered, by outcome (found / not_found / refused)",
                    ["outcome"], registry=REGISTRY)
ANSWER_SECONDS = Histogram("ledenbot_answer_seconds", "Time to answer a question (search, not Slack)",
                           buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10), registry=REGISTRY)
VOTES = Counter("ledenbot_votes", "Votes under answers, by vote (up / down)", ["vote"], registry=REGISTRY)
REINDEX_RUNS = Counter("ledenbot_reindex_runs", "Reindex runs started from Slack, by result (ok / busy / failed)",
                       ["result"], registry=REGISTRY)
REINDEX_SECONDS = Histogram("ledenbot_reindex_seconds", "Duration of successful reindex runs",
                            buckets=(1, 5, 15, 30, 60, 120, 300, 900), registry=REGISTRY)
ANNOUNCEMENTS = Counter("ledenbot_announcements", "New letters announced in the channel", registry=REGISTRY)
SLACK_ERRORS = Counter("ledenbot_slack_api_errors", "Slack Web API calls that failed, by method and error",
                       ["method", "error"], registry=REGISTRY)
INDEX_LETTERS = Gauge("ledenbot_index_letters", "Letters in the index this process serves", registry=REGISTRY)
INDEX_PASSAGES = Gauge("ledenbot_index_passages", "Passages in the index this process serves", registry=REGISTRY)


def watch_index(status) -> None:
    """Index size is read at scrape time from `status()` (an IndexStatus, or None without one)."""

    def read(field: str) -> float:
        try:
            current = status()
        except Exception:  # no index yet: report 0
            return 0.0
        return float(getattr(current, field, 0) or 0)

    INDEX_LETTERS.set_function(lambda: read("letters"))
    INDEX_PASSAGES.set_function(lambda: read("chunks"))


def exposition() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


class MeteredWebClient(WebClient):
    """The Slack Web API client, counting the calls that fail (after its own retries)."""

    def api_call(self, api_method: str, **kwargs):
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            SLACK_ERRORS.labels(api_method, str(exc.response.get("error") or exc.response.status_code)).inc()
            raise
        except Exception as exc:
            SLACK_ERRORS.labels(api_method, type(exc).__name__).inc()
            raise
