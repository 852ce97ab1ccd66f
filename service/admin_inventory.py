"""`python -m service.admin inventory apply|show`: belief inventories as YAML files.

A PM writes the inventory of one scope as YAML (`beliefs:` and a list of entries, see
docs/inventory-example.yaml); `apply` replaces the scope's inventory with it through the
same use case as PutBeliefInventory, `show` prints the current one (or a revision) in the
same format, so show -> edit -> apply round-trips.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import yaml

from service.application.common import utc_now
from service.application.inventories import Inventories
from service.domain.errors import Aborted, InvalidArgument, NotFound
from service.domain.inventory import BeliefInventory, entries_document, entries_from_document
from store.graph import GraphStore
from store.inventories import INVENTORY_SCHEMA

EXIT_OK = 0
EXIT_REFUSED = 1
"""The file is not a valid inventory, or the etag is stale, or the revision is unknown."""


class InventoryError(Exception):
    def __init__(self, message: str, exit_status: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.exit_status = exit_status


def add_parser(topics: Any) -> None:
    """Adds the `inventory` topic to the admin command's subparsers."""
    inventory = topics.add_parser(
        "inventory",
        help="apply and show belief inventories (YAML)",
        description="Apply and show the belief inventory of a tenant's scope.",
    )
    actions = inventory.add_subparsers(dest="action", required=True, metavar="ACTION")
    apply = actions.add_parser(
        "apply",
        help="replace a scope's inventory with a YAML file",
        description="Replace the scope's inventory with FILE (a new revision, unless nothing "
        "changed). Prints the revision and its etag.",
    )
    apply.add_argument("file", type=Path, metavar="FILE", help="the inventory, as YAML")
    apply.add_argument("--etag", default="", help="replace only if the current etag matches")
    show = actions.add_parser(
        "show",
        help="print a scope's inventory as YAML",
        description="Print the scope's current inventory (the starter inventory when it has "
        "none of its own), or one revision, as YAML.",
    )
    show.add_argument("--revision", type=int, default=0, help="a revision (default: current)")
    for action in (apply, show):
        action.add_argument("--tenant", required=True, help="the tenant that owns the scope")
        action.add_argument("--scope", required=True, help="the product scope")


def read_file(path: Path) -> list[Any]:
    """The `beliefs` list of a YAML inventory file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InventoryError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise InventoryError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(document, dict) or "beliefs" not in document:
        raise InventoryError(f"{path}: expected a mapping with a `beliefs:` list")
    unknown = sorted(set(document) - {"beliefs", "scope"})
    if unknown:
        raise InventoryError(f"{path}: unknown top-level fields: {', '.join(unknown)}")
    beliefs = document["beliefs"] or []
    if not isinstance(beliefs, list):
        raise InventoryError(f"{path}: `beliefs:` must be a list")
    return beliefs


def to_yaml(inventory: BeliefInventory) -> str:
    origin = "starter inventory" if inventory.starter else f"revision {inventory.revision}"
    written = (
        f", written {inventory.create_time.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"
        if inventory.create_time
        else ""
    )
    header = f"# scope {inventory.scope}: {origin}{written}, etag {inventory.etag}\n"
    body = yaml.safe_dump(
        {"beliefs": entries_document(inventory.entries)}, sort_keys=False, allow_unicode=True
    )
    return header + body


def _describe(error: InvalidArgument, path: Path) -> str:
    lines = [f"{path} is not a valid inventory:"]
    lines += [f"  {v.field.removeprefix('inventory.')}: {v.description}" for v in error.violations]
    return "\n".join(lines)


async def run(arguments: argparse.Namespace, graph: GraphStore) -> int:
    await graph.run_schema(INVENTORY_SCHEMA)
    inventories = Inventories(graph, utc_now)
    try:
        if arguments.action == "apply":
            try:
                entries = entries_from_document(read_file(arguments.file))
                applied = await inventories.put(
                    arguments.tenant, arguments.scope, entries, arguments.etag
                )
            except InvalidArgument as error:
                raise InventoryError(_describe(error, arguments.file)) from None
            print(
                f"Scope {applied.scope} of tenant {arguments.tenant}: revision "
                f"{applied.revision}, {len(applied.entries)} beliefs, etag {applied.etag}"
            )
        else:
            shown = await inventories.get(arguments.tenant, arguments.scope, arguments.revision)
            sys.stdout.write(to_yaml(shown))
    except (Aborted, NotFound) as error:
        raise InventoryError(str(error)) from None
    except InvalidArgument as error:
        raise InventoryError(f"invalid argument: {error}", 2) from None
    return EXIT_OK
