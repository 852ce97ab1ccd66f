"""The inspector's pages: a Starlette app that only reads, through `Reads`.

Every request is authenticated into a tenant first (`access`); the use cases' errors
become pages with the matching HTTP status.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import jinja2
from google.rpc import code_pb2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from service.api.errors import status_of
from service.auth import Authenticator
from service.domain import names
from service.domain.errors import SelfModelError, StoreUnavailable
from service.inspector.access import CHALLENGES, tenant_of
from service.inspector.charts import confidence_chart
from service.inspector.reads import Reads

log = logging.getLogger(__name__)

MODELS_PER_PAGE = 50
HEADERS = {
    # The pages carry no script and load nothing from elsewhere; pygal's SVG and the page
    # style themselves with inline <style>.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_HTTP_STATUS = {
    # A use case's error, as the gRPC API reports it, then as HTTP: google.rpc's
    # mapping, except that a deleted model is gone rather than a bad request.
    code_pb2.INVALID_ARGUMENT: 400,
    code_pb2.UNAUTHENTICATED: 401,
    code_pb2.NOT_FOUND: 404,
    code_pb2.FAILED_PRECONDITION: 410,
    code_pb2.UNAVAILABLE: 503,
}


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("service.inspector"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_templates.filters["when"] = _when
_templates.filters["confidence"] = lambda value: f"{value:.2f}"
_templates.globals["model_path"] = lambda model_id: f"/models/{model_id}"
_templates.globals["belief_path"] = lambda model_id, belief_id: (
    f"/models/{model_id}/beliefs/{belief_id}"
)


def page(template: str, context: Mapping[str, Any], status: int = 200) -> HTMLResponse:
    html = _templates.get_template(template).render(**context)
    response = HTMLResponse(html, status_code=status, headers=HEADERS)
    if status == 401:
        for challenge in CHALLENGES:
            response.headers.append("WWW-Authenticate", challenge)
    return response


Handler = Callable[[Request, str], Awaitable[Response]]


def _error_page(error: SelfModelError) -> HTMLResponse:
    reported = status_of(error)
    status = _HTTP_STATUS.get(reported.code, 500)
    if status == 500:
        log.warning("inspector: %s", error, exc_info=error)
    return page("error.html", {"tenant": "", "status": status, "message": reported.message}, status)


def build_app(
    reads: Reads, authenticator: Authenticator, ready: Callable[[], bool] = lambda: True
) -> Starlette:
    """The inspector over `reads`; `ready` is false until the store is set up (503)."""

    def gated(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                if not ready():
                    raise StoreUnavailable("starting: Neo4j has not answered yet; retry")
                return await handler(request, await tenant_of(authenticator, request.headers))
            except SelfModelError as error:
                return _error_page(error)

        return endpoint

    async def index(request: Request, tenant: str) -> Response:
        scope = request.query_params.get("scope", "").strip()
        token = request.query_params.get("page_token", "")
        models = await reads.models.list(
            tenant, scope=scope, page_size=MODELS_PER_PAGE, page_token=token
        )
        return page("index.html", {"tenant": tenant, "scope": scope, "page": models})

    async def lookup(request: Request, tenant: str) -> Response:
        model = await reads.lookup(
            tenant,
            external_user_id=request.query_params.get("external_user_id", "").strip(),
            scope=request.query_params.get("scope", "").strip(),
        )
        return RedirectResponse(f"/models/{model.id}", status_code=303, headers=HEADERS)

    async def model(request: Request, tenant: str) -> Response:
        view = await reads.model_view(tenant, request.path_params["model_id"])
        charts = {
            belief_id: confidence_chart(versions) for belief_id, versions in view.versions.items()
        }
        return page("model.html", {"tenant": tenant, "view": view, "charts": charts})

    async def belief(request: Request, tenant: str) -> Response:
        model_id, belief_id = request.path_params["model_id"], request.path_params["belief_id"]
        found = await reads.model(tenant, model_id)
        provenance = await reads.beliefs.provenance(tenant, names.belief_name(model_id, belief_id))
        versions = await reads.versions(tenant, model_id, belief_id)
        context = {
            "tenant": tenant,
            "model": found,
            "provenance": provenance,
            "versions": versions,
            "chart": confidence_chart(versions),
        }
        return page("belief.html", context)

    return Starlette(
        routes=[
            Route("/", gated(index)),
            Route("/lookup", gated(lookup)),
            Route("/models/{model_id}", gated(model)),
            Route("/models/{model_id}/beliefs/{belief_id}", gated(belief)),
        ]
    )
