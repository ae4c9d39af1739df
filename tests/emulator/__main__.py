# `python -m tests.emulator [--port 8089]`: serve the default world until Ctrl-C, after
# printing the base URL and the (fake) fixture keys to stderr.
from __future__ import annotations

import argparse
import sys

from .server import Emulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description="OpenAI API emulator for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089, help="0 picks a free port")
    args = parser.parse_args(argv)

    emulator = Emulator(host=args.host, port=args.port)
    out = sys.stderr
    print(f"OpenAI emulator: OPENAI_BASE_URL={emulator.base_url}", file=out)
    print(f"control endpoints: {emulator.control_url}/{{requests,faults,reset,world}}", file=out)
    print("fixture keys (fake, good only here):", file=out)
    for key in emulator.world.keys:
        where = key.project_id or key.org_id
        print(f"  {key.name:<16} {key.kind:<16} {where}  {key.purpose}", file=out)
        print(f"    {key.value}", file=out)
    out.flush()
    emulator.start()
    try:
        emulator.wait()
    except KeyboardInterrupt:
        print("stopping", file=out)
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
