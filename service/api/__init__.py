"""gRPC handlers: proto to domain, domain errors to status codes; no business rules."""
