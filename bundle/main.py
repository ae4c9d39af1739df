"""Entry point of the Claude Desktop bundle (.mcpb): serve model-access-mcp over stdio.

The bundle carries its dependencies in server/lib (next to this file). Claude Desktop passes the
folders the user picked as separate arguments; each becomes an allowed folder (`--root`). A value it
did not substitute (`${user_config...}`) is ignored, like an unexpanded placeholder in the environment.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

from model_access.mcp_server import main

if __name__ == "__main__":
    folders = [a for a in sys.argv[1:] if a.strip() and not a.startswith("${")]
    main([arg for folder in folders for arg in ("--root", folder)])
