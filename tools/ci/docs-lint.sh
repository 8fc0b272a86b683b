#!/usr/bin/env bash
# docs-lint.sh BUILD
# Runs: tools/docsite_rst.py --check (the guides' docsite pages are what their Markdown gives),
# antsibull-docs lint-collection-docs (the plugin and role docs' markup and references),
# then the collection's docsite (the RST pages docs.ansible.com would build) in BUILD/docsite:
# antsibull-docs sphinx-init and collection, rendered by sphinx-build, warnings as errors.
# Why: offline, the labels of docs.ansible.com (other collections' modules, common_return_values,
# the configuration page) resolve there through intersphinx, which needs the network; they are
# the only Sphinx warnings allowed.
set -euo pipefail
build=$1
echo "== docs-lint: docsite pages, antsibull-docs lint-collection-docs, docsite build"
# The guides' RST pages (docs/docsite/rst) are generated from the Markdown: a page that differs fails.
python tools/docsite_rst.py --check
antsibull-docs lint-collection-docs --plugin-docs .
rm -rf "$build/docsite" && mkdir -p "$build/docsite"
antsibull-docs sphinx-init --use-current --lenient --dest-dir "$build/docsite" tlsready.windows >/dev/null
echo 'intersphinx_mapping = {}  # offline build (make docs-lint)' >> "$build/docsite/conf.py"
( cd "$build/docsite" && antsibull-docs collection --use-current --dest-dir rst --fail-on-error tlsready.windows \
  && sphinx-build -M html rst build -c . -q -w warnings.txt )
if grep -vE "WARNING: undefined label: '(common_return_values|action_plugins|ansible_configuration_settings|ansible_collections\.ansible\.(windows|builtin)\.[a-z_]+(_module)?)'" \
    "$build/docsite/warnings.txt" | grep -E 'WARNING|ERROR'; then
  echo "docs-lint: Sphinx warnings above" >&2
  exit 1
fi
test -f "$build/docsite/build/html/collections/tlsready/windows/index.html"
