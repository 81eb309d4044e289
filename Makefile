# brief: build the tool, the sample site, and run the tests.
# `make site` then open public/index.html; `make test` runs every test.

GO      ?= go
BIN     := bin/brief
DEPLOY  := bin/brief-deploy
SRC     ?= .
OUT     ?= $(SRC)/public
GOFILES := $(shell find . -name '*.go' -not -path './node_modules/*') go.mod go.sum
EMBED   := $(shell find templates -type f)

.PHONY: all site serve mail-preview test race check bench fuzz publish deploy clean fmt vet echarts

FUZZTIME ?= 60s

all: site

$(BIN): $(GOFILES) $(EMBED)
	$(GO) build -trimpath -o $(BIN) ./cmd/brief

## bin/brief-deploy: the program brief deploy runs (beside bin/brief), which
## holds the storage services' SDKs so that brief does not
$(DEPLOY): $(GOFILES) $(EMBED)
	$(GO) build -trimpath -o $(DEPLOY) ./cmd/brief-deploy

## node_modules: ECharts and esbuild, pinned in package-lock.json; only
## `make echarts` and the tests need them, never a build
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## echarts: rebuild the ECharts bundle that brief embeds (templates/assets/)
## from package-lock.json; a test fails if the committed one differs
echarts: node_modules/.package-lock.json
	scripts/echarts/build.sh templates/assets

## site: build the tool, then the sample site into public/
site: $(BIN)
	$(BIN) build --src $(SRC) --out $(OUT)

## serve: preview the sample site with live reload at http://127.0.0.1:8080/
serve: $(BIN)
	$(BIN) serve --src $(SRC)

## mail-preview: send the latest sample briefing to Mailpit (a local mail server)
## on 127.0.0.1 (SMTP 1025, web 8025) and print the address of the message's own
## view. A Mailpit already running there is used and left alone; one started
## here runs until Enter or Ctrl-C and is then stopped by its PID. Installs
## Mailpit with go install if missing (that build has no inbox page, but serves
## each message's view). To see the email as you write, use `brief serve`: each
## briefing's page links to its email.
MAILPIT ?= $(shell command -v mailpit || echo $(shell $(GO) env GOPATH)/bin/mailpit)
mail-preview: $(BIN)
	@test -x "$(MAILPIT)" || $(GO) install github.com/axllent/mailpit@v1.33.1
	@scripts/mail-preview.sh "$(MAILPIT)" "$(BIN)" "$(SRC)"

## publish: build, then sync public/ to DEST with rsync, e.g.
##   make publish DEST=deploy@host:/var/www/briefings/
## Unchanged files keep their time stamps, so rsync sends only what changed.
publish: site
	@test -n "$(DEST)" || { echo "make publish needs DEST, e.g. make publish DEST=deploy@host:/var/www/briefings/" >&2; exit 2; }
	rsync -a --delete --itemize-changes $(OUT)/ $(DEST)

## deploy: build, then upload the site to site.toml's [deploy] url (brief deploy;
## credentials from the storage service's environment variables)
deploy: site $(DEPLOY)
	$(BIN) deploy --src $(SRC) --out $(OUT)

## check: validate the sample site without writing it
check: $(BIN)
	$(BIN) check --src $(SRC)

## test: gofmt, vet and staticcheck (pinned in go.mod as a tool), the tool built for Windows and
## macOS (it is tested on Linux), then every test (set
## BRIEF_REQUIRE_TOOLS=1 to make a skip for a missing Chromium, LibreOffice, Mailpit, versitygw,
## fake-gcs-server or Azurite fail)
test: node_modules/.package-lock.json
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$unformatted" || { echo "gofmt: run make fmt: $$unformatted" >&2; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	GOOS=windows $(GO) build ./...
	GOOS=darwin $(GO) build ./...
	$(GO) test -count=1 ./...

## race: every test under the race detector (CI runs it after make test)
race: node_modules/.package-lock.json
	$(GO) test -race -count=1 ./...

## bench: the full-build benchmark on a generated project of 1,000 briefings
bench: node_modules/.package-lock.json
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./internal/build/

## fuzz: run each fuzz target for FUZZTIME (default 60s); findings land in testdata/fuzz
fuzz: node_modules/.package-lock.json
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/dataset/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/content/
	$(GO) test -run '^$$' -fuzz '^FuzzIndex$$' -fuzztime $(FUZZTIME) ./internal/tomlpos/
	$(GO) test -run '^$$' -fuzz '^FuzzBuild$$' -fuzztime $(FUZZTIME) ./internal/build/
	$(GO) test -run '^$$' -fuzz '^FuzzPack$$' -fuzztime $(FUZZTIME) ./internal/build/
	$(GO) test -run '^$$' -fuzz '^FuzzCacheEdits$$' -fuzztime $(FUZZTIME) ./internal/build/
	$(GO) test -run '^$$' -fuzz '^FuzzImport$$' -fuzztime $(FUZZTIME) ./internal/importer/

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## clean: remove the built tool and site
clean:
	rm -rf bin $(OUT) node_modules
