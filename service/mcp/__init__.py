"""An MCP server over the selfmodel gRPC API, so that an agent can observe a user and read
what the service believes about them (`python -m service.mcp`, docs/mcp.md).

It holds no state of its own: every tool is one or two calls of
`selfmodel.v1.SelfModelService`, with the caller's API key.
"""
