"""`python -m service`: run the selfmodel gRPC server."""

from __future__ import annotations

import argparse
import asyncio
import os

from service.config import ConfigurationError, Settings, settings_help
from service.observability import configure_logging
from service.server import serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service",
        description="selfmodel: a living model of each user of a product, served over gRPC.",
        epilog=settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--listen", help="host:port to serve on (overrides SELFMODEL_LISTEN)")
    return parser


def main() -> None:
    arguments = _parser().parse_args()
    if arguments.listen:
        os.environ["SELFMODEL_LISTEN"] = arguments.listen
    try:
        settings = Settings.from_environment()
    except ConfigurationError as error:
        raise SystemExit(f"configuration: {error}") from None
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
