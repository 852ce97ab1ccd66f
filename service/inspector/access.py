"""Who is looking: each request's API key, authenticated by the service's own
Authenticator into its tenant.

A browser sends the key as the password of HTTP Basic authentication (it prompts for it
after a 401 that offers Basic); a script may send `Authorization: Bearer <key>`. With the
service's authentication off, the Authenticator gives every request the local tenant.
"""

from __future__ import annotations

import base64
import binascii

from starlette.datastructures import Headers

from service.auth import Authenticator
from service.domain.errors import Unauthenticated

REALM = "selfmodel inspector"
CHALLENGES = (f'Basic realm="{REALM}", charset="UTF-8"', f'Bearer realm="{REALM}"')
"""The WWW-Authenticate headers of a 401, Basic first so that a browser prompts."""


def authorization_of(headers: Headers) -> str | None:
    """The request's key as the service's `authorization` metadata (`Bearer <key>`), or
    None when it sends none. Basic credentials give their password; the user is ignored."""
    values = headers.getlist("authorization")
    if len(values) > 1:
        raise Unauthenticated("more than one Authorization header")
    if not values:
        return None
    scheme, _, credentials = values[0].strip().partition(" ")
    if scheme.lower() != "basic":
        return values[0]
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("malformed Basic credentials") from None
    _, _, key = decoded.partition(":")
    return f"Bearer {key}" if key else None


async def tenant_of(authenticator: Authenticator, headers: Headers) -> str:
    """The tenant the request reads as; raises Unauthenticated."""
    return await authenticator.tenant_for(authorization_of(headers))
