"""The bot's Prometheus metrics, in a registry of their own (``GET /metrics`` serves it).

Counted where each thing happens: updates and handler latency in the update processor, every
Bot API call's outcome in ``MeteredRequest`` (sends by kind, 429s). The gauges that describe the
database (pending follow-ups) and this instance's role are set when scraped.
"""

from __future__ import annotations

import contextvars

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# what a send is for: "reply" while handling an update, else the bulk sender's kind
send_kind: contextvars.ContextVar[str] = contextvars.ContextVar("send_kind", default="other")
_SEND_PREFIXES = ("send", "copy", "forward")
HANDLER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates_handled = Counter("nextsteps_updates_handled", "Updates handled", registry=self.registry)
        self.handler_seconds = Histogram(
            "nextsteps_handler_seconds",
            "Time to handle one update, replies included",
            buckets=HANDLER_BUCKETS,
            registry=self.registry,
        )
        self.sends = Counter(
            "nextsteps_sends", "Messages sent to Telegram, by kind", ["kind"], registry=self.registry
        )
        self.rate_limited = Counter(
            "nextsteps_telegram_429", "Bot API calls answered 429 Too Many Requests", registry=self.registry
        )
        self.followups_pending = Gauge(
            "nextsteps_followups_pending", "Follow-ups due and not sent yet", registry=self.registry
        )
        self.leader = Gauge(
            "nextsteps_leader", "1 while this instance is the leader, 0 on standby", registry=self.registry
        )


METRICS = Metrics()  # one per process, like the process it describes


class MeteredRequest(HTTPXRequest):
    """PTB's HTTP transport, counting every send (by ``send_kind``) and every 429."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        endpoint = url.rsplit("/", 1)[-1].lower()
        if code == 429:
            METRICS.rate_limited.inc()
        elif 200 <= code < 300 and endpoint.startswith(_SEND_PREFIXES):
            METRICS.sends.labels(kind=send_kind.get()).inc()
        return code, payload
