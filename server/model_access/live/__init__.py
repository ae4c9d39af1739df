"""The live layer: the caller's real account, through the real `openai` SDK (never hand-written HTTP).

`service.LiveService` holds the clients and asks: `models.list()` (cached with a TTL, one request in
flight shared by all callers), `models.retrieve()`, Azure's deployments, an opt-in minimal probe,
and the admin API's project model permissions (`permissions` plans and writes them). Timeouts,
bounded concurrency, retries only on 429/5xx (honouring Retry-After); `failures` turns every failure
into one line naming its cause. The `openai` SDK is imported on first use, never at start-up.
"""

from __future__ import annotations

from .failures import api_error_text, describe_failure
from .service import LiveService, check_model_written

__all__ = ["LiveService", "api_error_text", "check_model_written", "describe_failure"]
