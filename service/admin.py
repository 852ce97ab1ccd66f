"""`python -m service.admin keys create|list|revoke`, `inventory apply|show`.

Connects to the Neo4j named by SELFMODEL_NEO4J_URI, _USER, _PASSWORD and _DATABASE, like the
service does. A new key is printed once, on stdout alone, so that
`KEY=$(python -m service.admin keys create --tenant acme)` captures it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from neo4j.exceptions import AuthError, Neo4jError
from neo4j.exceptions import ConfigurationError as Neo4jConfigurationError

from service import admin_inventory
from service.config import ConfigurationError, Settings
from service.domain.api_keys import new_api_key, validate_description, validate_tenant
from service.domain.errors import InvalidArgument, StoreUnavailable
from store.api_keys import API_KEY_SCHEMA, ApiKeyRecord, ApiKeyStore
from store.graph import GraphStore

EXIT_OK = 0
EXIT_NO_SUCH_KEY = 1
EXIT_CANNOT_RUN = 2
"""Bad arguments or configuration, or Neo4j unreachable (argparse's usage errors exit 2 too)."""

_EPILOG = """\
exit status: 0 done, 1 no such key, 2 bad arguments or Neo4j unreachable.
environment: SELFMODEL_NEO4J_URI, SELFMODEL_NEO4J_USER, SELFMODEL_NEO4J_PASSWORD,
SELFMODEL_NEO4J_DATABASE (as for `python -m service`)."""


class AdminError(Exception):
    """Ends the command with a message on stderr and an exit status, without a traceback."""

    def __init__(self, message: str, exit_status: int) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service.admin",
        description="Administer selfmodel: tenants' API keys and belief inventories.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    topics = parser.add_subparsers(dest="topic", required=True, metavar="TOPIC")
    keys = topics.add_parser(
        "keys",
        help="create, list and revoke API keys",
        description="Create, list and revoke tenants' API keys.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")

    create = actions.add_parser(
        "create",
        help="make a key for a tenant and print it, once",
        description="Make a key for a tenant and print it on stdout. Only its hash is "
        "stored: it cannot be shown again.",
    )
    create.add_argument("--tenant", required=True, help="the tenant that owns the key")
    create.add_argument(
        "--description", default="", help="what the key is for, e.g. 'acme production'"
    )

    listing = actions.add_parser(
        "list", help="list keys, oldest first", description="List keys, oldest first."
    )
    listing.add_argument("--tenant", help="only this tenant's keys")

    revoke = actions.add_parser(
        "revoke",
        help="revoke a key by its id",
        description="Revoke a key by its id (the 12 hex digits after 'smk_'). Running "
        "services stop accepting it within their cache time (5 s by default).",
    )
    revoke.add_argument("key_id", metavar="KEY_ID", help="id of the key, as `keys list` shows")
    admin_inventory.add_parser(topics)
    return parser


def _validated(arguments: argparse.Namespace) -> None:
    if arguments.topic != "keys":
        return
    try:
        if arguments.action in ("create", "list") and arguments.tenant is not None:
            validate_tenant(arguments.tenant)
        if arguments.action == "create":
            validate_description(arguments.description)
    except InvalidArgument as error:
        raise AdminError(f"invalid argument: {error}", EXIT_CANNOT_RUN) from None


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_table(records: Sequence[ApiKeyRecord]) -> str:
    """The keys as an aligned text table; it never holds a hash or a secret."""
    header = ("KEY ID", "TENANT", "CREATED", "STATUS", "DESCRIPTION")
    rows = [header] + [
        (
            record.key_id,
            record.tenant,
            _time(record.create_time),
            "active" if record.revoke_time is None else f"revoked {_time(record.revoke_time)}",
            record.description,
        )
        for record in records
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header) - 1)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    )


async def _run(arguments: argparse.Namespace, graph: GraphStore) -> int:
    if arguments.topic == "inventory":
        try:
            return await admin_inventory.run(arguments, graph)
        except admin_inventory.InventoryError as error:
            raise AdminError(str(error), error.exit_status) from None
    await graph.run_schema(API_KEY_SCHEMA)
    keys = ApiKeyStore(graph)
    now = datetime.now(UTC)
    if arguments.action == "create":
        new_key = new_api_key()
        created = await keys.create(
            new_key, tenant=arguments.tenant, description=arguments.description, now=now
        )
        print(new_key.plaintext, flush=True)
        print(
            f"Created API key {created.key_id} for tenant {created.tenant}. "
            "Store it now: it will not be shown again.",
            file=sys.stderr,
        )
    elif arguments.action == "list":
        print(key_table(await keys.list(arguments.tenant)))
    elif arguments.action == "revoke":
        revoked = await keys.revoke(arguments.key_id, now)
        if revoked is None:
            raise AdminError(f"no API key with id {arguments.key_id!r}", EXIT_NO_SUCH_KEY)
        assert revoked.revoke_time is not None
        already = "was already revoked" if revoked.revoke_time != now else "revoked"
        print(
            f"API key {revoked.key_id} of tenant {revoked.tenant} {already} "
            f"at {_time(revoked.revoke_time)}."
        )
    return EXIT_OK


async def _connected(arguments: argparse.Namespace, settings: Settings) -> int:
    try:
        graph = GraphStore.open(settings.neo4j)
    except (Neo4jConfigurationError, ValueError) as error:
        raise AdminError(f"SELFMODEL_NEO4J_URI: {error}", EXIT_CANNOT_RUN) from None
    try:
        return await _run(arguments, graph)
    except StoreUnavailable as error:
        raise AdminError(
            f"{error} (SELFMODEL_NEO4J_URI={settings.neo4j.uri})", EXIT_CANNOT_RUN
        ) from None
    except AuthError as error:
        raise AdminError(
            f"Neo4j at {settings.neo4j.uri} refused the credentials: {error.message or error}",
            EXIT_CANNOT_RUN,
        ) from None
    except Neo4jError as error:
        # E.g. a user without the privilege to create the constraints.
        raise AdminError(f"Neo4j refused: {error.message or error}", EXIT_CANNOT_RUN) from None
    finally:
        await graph.close()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        _validated(arguments)
        try:
            settings = Settings.from_environment()
        except ConfigurationError as error:
            raise AdminError(f"configuration: {error}", EXIT_CANNOT_RUN) from None
        return asyncio.run(_connected(arguments, settings))
    except AdminError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_status


if __name__ == "__main__":
    sys.exit(main())
