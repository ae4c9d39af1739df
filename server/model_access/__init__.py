"""model-access-mcp: resolve OpenAI model_not_found errors from your editor (MCP server and CLI)."""
