"""Generated from protos/ by clients/python/generate; do not edit."""
