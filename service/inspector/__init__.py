"""The inspector: a read-only web page over one tenant's self-models, for the people who
decide what the product does with them (docs/inspector.md).

A second thin adapter beside `service.api`: it calls the same use cases as the gRPC API
(ListSelfModels, GetSelfModel, ListBeliefs, ListBeliefVersions, GetBeliefProvenance,
GetAdaptations) in the tenant its caller authenticates as, and has no store access of its
own. Pages are HTML rendered on the server from Jinja2 templates (autoescaped: statements
and observations are what users wrote). Charts are SVG drawn on the server with pygal,
inlined into the page: pygal is maintained, pure Python and needs no JavaScript build
step, and the page works with scripts off (its Content-Security-Policy forbids them).
"""
