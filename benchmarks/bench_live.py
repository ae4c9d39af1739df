"""Section 6: the live layer against the project's OpenAI emulator (127.0.0.1 only)."""

from __future__ import annotations

import sys
import time
from typing import Any

import anyio

from ._util import ROOT, TODAY, Row, row

LATENCY = 0.1


def live(repeats: int, n_models: int = 50) -> tuple[list[Row], dict[str, Any]]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.emulator import Emulator, server

    from model_access.config import load_config
    from model_access.state import AppState

    # The emulator is a socketserver with the default listen backlog of 5: 50 simultaneous
    # connects overflow it and some wait for a ~1 s SYN/ACK retransmit. A real API's backlog
    # is far larger, so the benchmark raises it (in this process only).
    server._Server.request_queue_size = 128

    rows: list[Row] = []
    info: dict[str, Any] = {}
    sec = "6 live"
    with Emulator() as emu:

        def state_for(concurrency: int | None) -> AppState:
            env = {"OPENAI_API_KEY": emu.key("alpha"), "OPENAI_BASE_URL": emu.base_url, "MODEL_ACCESS_TODAY": TODAY}
            if concurrency is not None:
                env["MODEL_ACCESS_CONCURRENCY"] = str(concurrency)
            return AppState(load_config(env))

        async def main() -> None:
            # (a) a cached list_models after a first one: no new request.
            state = state_for(None)
            first, cached, new_requests = [], [], []
            for _ in range(repeats):
                state.live._listing = None  # a cold list each round
                t = time.perf_counter()
                await state.live.list_models(None)
                first.append((time.perf_counter() - t) * 1000)
                seen = len(emu.requests)
                t = time.perf_counter()
                await state.live.list_models(None)
                cached.append((time.perf_counter() - t) * 1000)
                new_requests.append(len(emu.requests) - seen)
            r = row(sec, "list_models, cached (2nd call)", "ms", cached, "1st call", first)
            r.target, r.met = "0 new requests", all(n == 0 for n in new_requests)
            r.note = f"new requests per cached call: {sorted(set(new_requests))}"
            rows.append(r)
            await state.aclose()

            # (b) check_access for n models at once, every request delayed LATENCY s.
            models = [m for m in state.catalog.ids()][:n_models]
            for concurrency in (None, 64):
                st = state_for(concurrency)
                await st.live.list_models(None)  # warm: SDK import, client, cached list
                await st.live.check_access(models[0], None)
                single, batch, counts = [], [], []
                for _ in range(repeats):  # interleaved: one request, then n concurrently
                    emu.clear_faults()
                    emu.inject("latency", count=1, seconds=LATENCY)
                    t = time.perf_counter()
                    await st.live.check_access(models[0], None)
                    single.append(time.perf_counter() - t)

                    emu.clear_faults()
                    emu.inject("latency", count=n_models, seconds=LATENCY)
                    seen = len(emu.requests)
                    t = time.perf_counter()
                    async with anyio.create_task_group() as tg:
                        for m in models:
                            tg.start_soon(st.live.check_access, m, None)
                    batch.append(time.perf_counter() - t)
                    counts.append(len(emu.requests) - seen)
                emu.clear_faults()
                bare = []
                for _ in range(repeats):  # no injected latency: the client+emulator CPU floor
                    t = time.perf_counter()
                    async with anyio.create_task_group() as tg:
                        for m in models:
                            tg.start_soon(st.live.check_access, m, None)
                    bare.append(time.perf_counter() - t)
                label = f"concurrency {st.config.concurrency}" + (" (default)" if concurrency is None else "")
                r = row(
                    sec,
                    f"{n_models}× check_access at once, {label}",
                    "s",
                    batch,
                    "1 request",
                    single,
                    "≤ 3× one request",
                    3.0,
                )
                waves = -(-n_models // st.config.concurrency)
                r.note = (
                    f"requests/batch {sorted(set(counts))}; semaphore ⇒ ≥ {waves} waves × "
                    f"{LATENCY * 1000:.0f} ms = {waves * LATENCY:.1f} s floor"
                )
                rows.append(r)
                rows.append(
                    row(
                        sec,
                        f"{n_models}× check_access, {label}, no latency",
                        "s",
                        bare,
                        note="CPU floor: client and emulator share one process (GIL)",
                    )
                )
                info[label] = {"single_s": single, "batch_s": batch, "no_latency_s": bare, "requests": counts}
                await st.aclose()

        anyio.run(main)
    return rows, info
