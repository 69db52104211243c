# Two commands: `make run` (a working site with demo data) and `make test` (the whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test migrate seed messages check-messages lint typecheck lint-templates worker beat vendor clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	($(VENV)/bin/pip install -q uv && $(VENV)/bin/uv pip install -q -p $(PY) -r requirements.lock) \
	  || $(VENV)/bin/pip install -q -r requirements.lock
	touch $@

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "pdplatform: http://$(HOST):$(PORT)/  (demo logins above)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The test database is kept between runs (--reuse-db in pyproject's addopts): the first test starts in
# seconds, not after a minute of migrations. After editing a migration in place: make test PYTEST_ARGS=--create-db
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) typecheck lint-templates

# mypy with django-stubs and djangorestframework-stubs on services, selectors and core/ (pyproject's
# [tool.mypy]); it imports the settings but needs no database.
typecheck: install
	$(VENV)/bin/mypy

# djLint checks the templates; it never rewrites them here (no --reformat).
lint-templates: install
	$(VENV)/bin/djlint templates --lint

# Re-extract translatable strings into locale/{ru,uk}; compile with `compilemessages` after translating.
messages: install
	$(PY) manage.py makemessages -l ru -l uk --no-location --ignore=.venv --ignore=static --ignore=bench
	$(PY) manage.py makemessages -d djangojs -l ru -l uk --no-location --ignore=.venv --ignore=static/vendor --ignore=staticfiles

compilemessages: install
	$(PY) manage.py compilemessages --ignore=.venv

worker: install
	$(VENV)/bin/celery -A pdplatform worker -l info -Q default,heavy,bulk

beat: install
	$(VENV)/bin/celery -A pdplatform beat -l info

vendor:
	rm -rf /tmp/pdp-vendor && mkdir -p /tmp/pdp-vendor && cd /tmp/pdp-vendor && npm pack bootstrap@5.3 htmx.org@2
	cd /tmp/pdp-vendor && for f in *.tgz; do mkdir -p "$${f%.tgz}" && tar xzf "$$f" -C "$${f%.tgz}"; done
	cp /tmp/pdp-vendor/bootstrap-*/package/dist/css/bootstrap.min.css static/vendor/bootstrap/
	cp /tmp/pdp-vendor/bootstrap-*/package/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp /tmp/pdp-vendor/htmx.org-*/package/dist/htmx.min.js static/vendor/htmx/

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Every string the code and templates use is translated into ru and uk (nothing new, empty or fuzzy).
# Re-extracts into a scratch copy of locale/, so the working tree is left as it was.
check-messages: install
	rm -rf .check-locale && cp -r locale .check-locale
	$(PY) manage.py makemessages -l ru -l uk --no-location --ignore=.venv --ignore=static --ignore=bench --ignore=.check-locale -v0
	@status=0; for po in locale/*/LC_MESSAGES/django.po; do \
	  n=$$(msgattrib --untranslated --no-obsolete "$$po" | grep -c '^msgid' || true); \
	  f=$$(msgattrib --only-fuzzy --no-obsolete "$$po" | grep -c '^msgid' || true); \
	  if [ "$$n$$f" != "00" ]; then echo "$$po: $$n untranslated, $$f fuzzy:"; \
	    msgattrib --untranslated --no-obsolete "$$po" | grep -A1 '^msgid' | tail -n +3; status=1; fi; \
	done; rm -rf locale && mv .check-locale locale; \
	if [ $$status -ne 0 ]; then echo "run make messages, translate, make compilemessages"; exit 1; fi; \
	echo "every message is translated into ru and uk"
