# The selfmodel service. Neo4j runs beside it (see docker-compose.yml).
FROM python:3.11-slim

WORKDIR /app
ENV HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1

COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/dev.txt -c requirements/constraints.txt

COPY protos/ protos/
RUN python -m grpc_tools.protoc -Iprotos --python_out=. --grpc_python_out=. \
        protos/selfmodel/v1/*.proto \
    && touch selfmodel/__init__.py selfmodel/v1/__init__.py

COPY service/ service/
COPY store/ store/
# The embedding model as ONNX, exported at build time so the service never loads torch.
ENV SELFMODEL_CACHE_DIR=/app/cache
RUN python -m service.embedding_export

EXPOSE 50051 9464
USER nobody
CMD ["python", "-m", "service"]
