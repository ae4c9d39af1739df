"""The one way out of the MCP server: a middleware every request and result passes.

- An unknown tool name is refused with JSON-RPC -32602, as the specification asks (mcp 2.3 would
  answer with an `isError` result); an admin tool hidden for want of an admin key says so.
- Bad arguments are answered with one plain sentence naming each, instead of pydantic's report.
- `tools/list` carries slim schemas (see mcp_shape.slim_schema); `resources/list` carries sizes.
- Every result and error text is redacted on its way out: small results inline, large ones off the
  loop within the work budget (never sent unredacted when that fails).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver.tools import Tool
from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, CallToolResult

from . import mcp_shape, work
from .errors import ModelAccessError
from .redact import clip, redact, redact_obj, redact_obj_within

ERROR_WINDOW = 4 * 1024  # an error message is never longer than this on the wire
INLINE_REDACT = 32 * 1024  # characters of text below which a result is redacted on the loop


def error_text(message: str) -> str:
    """A message that may quote an argument, made safe to send: windowed first (redaction is linear,
    but a megabyte of it on the loop is still a stall), then redacted."""
    return redact(work.window(message, ERROR_WINDOW))


class Boundary:
    """Middleware for one server: `tools` are the registered tool functions by name."""

    def __init__(
        self,
        tools: dict[str, Callable[..., Any]],
        why_no_admin: str | None,
        resource_sizes: Callable[[], dict[str, int]],
    ) -> None:
        self._tools = tools
        self._why_no_admin = why_no_admin
        self._resource_sizes = resource_sizes
        self._validators: dict[str, Tool] = {}
        self._slim: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        name: str | None = None
        if ctx.method == "tools/call" and isinstance(ctx.params, dict):
            raw = ctx.params.get("name")
            name = raw if isinstance(raw, str) else None
            if name not in self._tools:
                return self._unknown_tool(raw)
        try:
            result = await call_next(ctx)
        except MCPError as exc:
            error = exc.error
            message = error_text(error.message)
            data = redact_obj(_window_strings(error.data))  # the SDK puts the refused URI here
            raise MCPError(code=error.code, message=message, data=data) from None
        if name is not None:
            data = None if _failed(result) else mcp_shape.structured_of(result)
            if data is not None:
                # The text block is rewritten from the redacted structured content alone (and the
                # SDK's copy of it dropped), so one pass over the content redacts the whole result.
                clean: dict[str, Any] = await _redacted(data)
                shaped: HandlerResult = mcp_shape.shape_result(name, result, clean)
                return shaped
            result = self._plain_failure(name, ctx.params, result)
        elif ctx.method == "tools/list":
            result = self._slim_listing(result)
        elif ctx.method == "resources/list":
            result = mcp_shape.with_sizes(result, self._resource_sizes)
        done: HandlerResult = await _redacted(result)
        return done

    def _unknown_tool(self, name: object) -> HandlerResult:
        if isinstance(name, str) and name in mcp_shape.ADMIN_TOOLS:  # hidden: say why in one line
            return mcp_shape.admin_key_missing(name, self._why_no_admin)
        # Window, then redact, then truncate: redaction costs at most the window, and a cut key is no
        # longer recognised, so the final cut happens after redaction.
        shown = clip(work.window(name if isinstance(name, str) else repr(name), 1024), 100)
        raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {shown}")

    def _plain_failure(self, name: str, params: Any, result: HandlerResult) -> HandlerResult:
        """A call refused for its arguments, said in one plain sentence; any other result as it is.

        Only a failed call is validated again: a good call pays for the SDK's validation alone."""
        if not _failed(result):
            return result
        arguments = params.get("arguments") if isinstance(params, dict) else None
        if not isinstance(arguments, dict | None):
            return result
        plain = mcp_shape.argument_error(self._validator(name), name, arguments or {})
        return result if plain is None else plain

    def _validator(self, name: str) -> Tool:
        tool = self._validators.get(name)
        if tool is None:
            tool = self._validators[name] = Tool.from_function(self._tools[name], name=name)
        return tool

    def _slim_listing(self, result: HandlerResult) -> HandlerResult:
        """Every listed tool with its slim schemas (computed once per tool: the tools never change)."""
        if not isinstance(result, dict) or not isinstance(result.get("tools"), list):
            return result
        tools = []
        for tool in result["tools"]:
            if isinstance(tool, dict) and isinstance(tool.get("name"), str):
                slim = self._slim.get(tool["name"])
                if slim is None:
                    slim = self._slim[tool["name"]] = mcp_shape.slim_tool_schemas(
                        tool.get("inputSchema") or {}, tool.get("outputSchema")
                    )
                tool = {**tool, "inputSchema": slim[0]}
                if slim[1] is not None:
                    tool["outputSchema"] = slim[1]
            tools.append(tool)
        return {**result, "tools": tools}


async def _redacted(value: Any) -> Any:
    """`value` redacted: a large one (a long diff, a big scan) off the loop, a small one inline, so
    that it never queues behind heavy work for a worker thread."""
    fits, clean = redact_obj_within(value, INLINE_REDACT)
    if fits:
        return clean
    try:
        return await work.run(redact_obj, value, what="Redacting the result")
    except ModelAccessError as exc:  # over budget or busy: say so, never send it unredacted
        raise MCPError(code=INTERNAL_ERROR, message=str(exc)) from None


def _failed(result: HandlerResult) -> bool:
    if isinstance(result, CallToolResult):
        return bool(result.is_error)
    return isinstance(result, dict) and bool(result.get("isError"))


def _window_strings(value: Any) -> Any:
    if isinstance(value, str):
        return work.window(value, ERROR_WINDOW)
    if isinstance(value, dict):
        return {k: _window_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_window_strings(v) for v in value]
    return value
