"""selfmodel: a gRPC service that keeps a living model of each user of a product."""
