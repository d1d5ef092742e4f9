#!/usr/bin/env python3
"""Check the manifests that `helm template` rendered for one value file of helm/soci-indexer/ci.

Input: a JSON object {"items": [...]} with one entry per rendered Kubernetes object, as
scripts/helm-test.sh converts them with helm itself, so that no YAML library is needed. A
ConfigMap with an application.yml also carries its parsed content under "parsedApplicationYml".

Usage: helm-check-manifests.py VALUES_NAME MANIFESTS_JSON
Prints one line per failed check and exits 1 when any check failed.
"""

import json
import sys

DATA_DIR = "/var/lib/soci-indexer/data"
API_TOKENS_DIR = "/etc/soci-indexer/api-tokens"
NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED"

# Expected objects and settings for each value file of helm/soci-indexer/ci. "api_tokens" is
# (Secret name, key, whether the chart creates the Secret), or None without API tokens.
EXPECTATIONS = {
    "default-values": {"postgresql": False, "hpa": False, "service_monitor": False,
                       "dashboard": False, "pvc": False, "credentials": [], "webhooks": {},
                       "api_tokens": None},
    "postgresql-hpa-values": {"postgresql": True, "hpa": True, "service_monitor": False,
                              "dashboard": False, "pvc": False, "credentials": [],
                              "webhooks": {}, "api_tokens": None},
    "servicemonitor-dashboard-values": {"postgresql": False, "hpa": False,
                                        "service_monitor": True, "dashboard": True,
                                        "pvc": True, "credentials": [], "webhooks": {},
                                        "api_tokens": ("soci-soci-indexer-api-tokens", "tokens",
                                                       True)},
    "credentials-webhooks-values": {
        "postgresql": False, "hpa": False, "service_monitor": False, "dashboard": False,
        "pvc": False, "credentials": ["ghcr-credentials", "harbor-credentials"],
        "webhooks": {"harbor": ("secret", "harbor"),
                     "artifactory": ("password", "artifactory-password")},
        "api_tokens": ("soci-indexer-api", "api-tokens", False),
    },
}


class Checks:
    """Collects failed checks, so that one run reports every problem at once."""

    def __init__(self, values_name):
        self.values_name = values_name
        self.failures = []

    def expect(self, condition, message):
        if not condition:
            self.failures.append(f"{self.values_name}: {message}")


def objects_of_kind(items, kind):
    return [item for item in items if item.get("kind") == kind]


def only_one(checks, items, kind):
    found = objects_of_kind(items, kind)
    checks.expect(len(found) == 1, f"expected 1 {kind}, found {len(found)}")
    return found[0] if found else {}


def check_security(checks, pod_spec, container):
    pod_context = pod_spec.get("securityContext", {})
    checks.expect(pod_context.get("runAsNonRoot") is True, "pod securityContext.runAsNonRoot is not true")
    checks.expect(pod_context.get("runAsUser") == 10001, "pod securityContext.runAsUser is not 10001")

    context = container.get("securityContext", {})
    seccomp = context.get("seccompProfile") or pod_context.get("seccompProfile") or {}
    checks.expect(seccomp.get("type") == "RuntimeDefault",
                  f"seccompProfile is {seccomp}, expected type RuntimeDefault")
    checks.expect(context.get("runAsNonRoot") is True, "container runAsNonRoot is not true")
    checks.expect(context.get("runAsUser") == 10001, "container runAsUser is not 10001")
    checks.expect(context.get("readOnlyRootFilesystem") is True,
                  "container readOnlyRootFilesystem is not true")
    checks.expect(context.get("allowPrivilegeEscalation") is False,
                  "container allowPrivilegeEscalation is not false")
    dropped = context.get("capabilities", {}).get("drop", [])
    checks.expect("ALL" in dropped, f"container capabilities.drop is {dropped}, expected ALL")


def check_probes(checks, container):
    expected = {"livenessProbe": "/actuator/health/liveness",
                "readinessProbe": "/actuator/health/readiness",
                "startupProbe": "/actuator/health/liveness"}
    for probe, path in expected.items():
        actual = container.get(probe, {}).get("httpGet", {}).get("path")
        checks.expect(actual == path, f"{probe} path is {actual}, expected {path}")


def env_by_name(container):
    return {entry["name"]: entry for entry in container.get("env", [])}


def mounts_by_path(container):
    return {mount["mountPath"]: mount for mount in container.get("volumeMounts", [])}


def check_volumes(checks, pod_spec, container, expected):
    volumes = {volume["name"]: volume for volume in pod_spec.get("volumes", [])}
    mounts = mounts_by_path(container)

    for path in ("/tmp", DATA_DIR):
        checks.expect(path in mounts, f"nothing is mounted at {path}")
    checks.expect("emptyDir" in volumes.get(mounts.get("/tmp", {}).get("name"), {}),
                  "/tmp is not an emptyDir")

    data_volume = volumes.get(mounts.get(DATA_DIR, {}).get("name"), {})
    if expected["pvc"]:
        checks.expect("persistentVolumeClaim" in data_volume, "the data directory is not a PVC")
    else:
        checks.expect("emptyDir" in data_volume, "the data directory is not an emptyDir")

    for secret in expected["credentials"]:
        path = f"/etc/soci-indexer/registry-credentials/{secret}"
        mount = mounts.get(path, {})
        checks.expect(mount.get("readOnly") is True, f"secret {secret} is not mounted read-only at {path}")
        source = volumes.get(mount.get("name"), {}).get("secret", {})
        checks.expect(source.get("secretName") == secret,
                      f"the volume at {path} is not Secret {secret}")


def check_api_tokens(checks, items, pod_spec, container, config_map, expected):
    """Checks the Secret of API tokens: mounted read-only as a directory and named in token-files."""
    api = (config_map.get("parsedApplicationYml") or {}).get("soci-indexer", {}).get("api", {})
    checks.expect(api.get("authentication") == "token",
                  f"api.authentication is {api.get('authentication')!r}, expected 'token'")
    mount = mounts_by_path(container).get(API_TOKENS_DIR)
    secrets = [item for item in objects_of_kind(items, "Secret")]

    if expected["api_tokens"] is None:
        checks.expect(mount is None, f"API tokens are mounted at {API_TOKENS_DIR} without a Secret")
        checks.expect("token-files" not in api, f"api.token-files is {api.get('token-files')}")
        checks.expect(not secrets, f"found {len(secrets)} Secret objects")
        return

    name, key, created = expected["api_tokens"]
    checks.expect(mount is not None and mount.get("readOnly") is True,
                  f"API tokens are not mounted read-only at {API_TOKENS_DIR}")
    checks.expect(mount is None or "subPath" not in mount,
                  "the API token mount uses subPath, so a rotated Secret would not reach the pod")
    volumes = {volume["name"]: volume for volume in pod_spec.get("volumes", [])}
    source = volumes.get((mount or {}).get("name"), {}).get("secret", {})
    checks.expect(source.get("secretName") == name,
                  f"the API token volume is Secret {source.get('secretName')}, expected {name}")
    checks.expect(api.get("token-files") == [f"{API_TOKENS_DIR}/{key}"],
                  f"api.token-files is {api.get('token-files')}, expected {API_TOKENS_DIR}/{key}")
    created_names = [item["metadata"]["name"] for item in secrets]
    checks.expect((name in created_names) == created,
                  f"Secret objects are {created_names}; the chart creates {name}: {created}")
    for secret in secrets:
        tokens = secret.get("stringData", {}).get(key, "")
        checks.expect(len(tokens.split()) >= 1, f"Secret {secret['metadata']['name']} has no tokens")


def check_replicas(checks, deployment, expected):
    spec = deployment.get("spec", {})
    if expected["postgresql"]:
        if expected["hpa"]:
            checks.expect("replicas" not in spec, "replicas is set although the HPA owns it")
        return
    checks.expect(spec.get("replicas") == 1,
                  f"replicas is {spec.get('replicas')} on the embedded H2 store, expected 1")
    checks.expect(spec.get("strategy", {}).get("type") == "Recreate",
                  "the strategy on the embedded H2 store is not Recreate")


def check_application_yml(checks, config_map, container, expected):
    settings = config_map.get("parsedApplicationYml") or {}
    checks.expect("Error" not in settings, f"application.yml does not parse: {settings.get('Error')}")
    indexer = settings.get("soci-indexer", {})
    env = env_by_name(container)

    checks.expect(indexer.get("data-dir") == DATA_DIR, f"data-dir is {indexer.get('data-dir')}")

    files = indexer.get("credentials", {}).get("docker-config-files", [])
    expected_files = [f"/etc/soci-indexer/registry-credentials/{name}/.dockerconfigjson"
                      for name in expected["credentials"]]
    checks.expect(files == expected_files,
                  f"docker-config-files is {files}, expected {expected_files}")

    sources = indexer.get("webhook", {}).get("sources", {})
    for source, (field, key) in expected["webhooks"].items():
        placeholder = sources.get(source, {}).get(field, "")
        variable = placeholder.removeprefix("${").removesuffix("}")
        reference = env.get(variable, {}).get("valueFrom", {}).get("secretKeyRef", {})
        checks.expect(reference.get("key") == key,
                      f"webhook source {source} {field} is {placeholder!r}, "
                      f"not an env var from Secret key {key}")

    datasource = settings.get("spring", {}).get("datasource", {})
    if expected["postgresql"]:
        checks.expect(datasource.get("url", "").startswith("jdbc:postgresql:"),
                      f"spring.datasource.url is {datasource.get('url')}")
        password = env.get("SOCI_INDEXER_DB_PASSWORD", {}).get("valueFrom", {})
        checks.expect("secretKeyRef" in password, "the database password is not from a Secret")
        checks.expect(datasource.get("password") == "${SOCI_INDEXER_DB_PASSWORD}",
                      "spring.datasource.password is not the env placeholder")
    else:
        checks.expect(not datasource, f"spring.datasource is set without PostgreSQL: {datasource}")


def check_optional_objects(checks, items, expected):
    monitors = objects_of_kind(items, "ServiceMonitor")
    checks.expect(len(monitors) == (1 if expected["service_monitor"] else 0),
                  f"found {len(monitors)} ServiceMonitor objects")
    for monitor in monitors:
        paths = [endpoint.get("path") for endpoint in monitor["spec"]["endpoints"]]
        checks.expect(paths == ["/actuator/prometheus"], f"ServiceMonitor paths are {paths}")

    dashboards = [item for item in objects_of_kind(items, "ConfigMap")
                  if "soci-indexer-dashboard.json" in item.get("data", {})]
    checks.expect(len(dashboards) == (1 if expected["dashboard"] else 0),
                  f"found {len(dashboards)} dashboard ConfigMaps")
    for dashboard in dashboards:
        label = dashboard["metadata"].get("labels", {}).get("grafana_dashboard")
        checks.expect(label == "1", f"dashboard label grafana_dashboard is {label!r}, expected '1'")
        content = json.loads(dashboard["data"]["soci-indexer-dashboard.json"])
        checks.expect("panels" in content, "the dashboard JSON has no panels list")

    autoscalers = objects_of_kind(items, "HorizontalPodAutoscaler")
    checks.expect(len(autoscalers) == (1 if expected["hpa"] else 0),
                  f"found {len(autoscalers)} HorizontalPodAutoscaler objects")
    claims = objects_of_kind(items, "PersistentVolumeClaim")
    checks.expect(len(claims) == (1 if expected["pvc"] else 0),
                  f"found {len(claims)} PersistentVolumeClaim objects")
    for kind in ("Service", "ServiceAccount", "PodDisruptionBudget"):
        only_one(checks, items, kind)


def main():
    values_name, manifests_path = sys.argv[1], sys.argv[2]
    with open(manifests_path, encoding="utf-8") as manifests:
        items = json.load(manifests)["items"]
    if values_name not in EXPECTATIONS:
        print(f"FAIL {values_name}: no expectations for this value file; add them to {__file__}")
        sys.exit(1)
    expected = EXPECTATIONS[values_name]
    checks = Checks(values_name)

    errors = [item["Error"] for item in items if "Error" in item]
    checks.expect(not errors, f"rendered YAML does not parse: {errors}")

    deployment = only_one(checks, items, "Deployment")
    pod_spec = deployment.get("spec", {}).get("template", {}).get("spec", {})
    containers = pod_spec.get("containers", [{}])
    container = containers[0]
    config_maps = [item for item in objects_of_kind(items, "ConfigMap")
                   if "parsedApplicationYml" in item]
    checks.expect(len(config_maps) == 1, f"found {len(config_maps)} ConfigMaps with application.yml")

    check_security(checks, pod_spec, container)
    check_probes(checks, container)
    java_options = env_by_name(container).get("JAVA_TOOL_OPTIONS", {}).get("value", "")
    checks.expect(NATIVE_ACCESS in java_options, f"JAVA_TOOL_OPTIONS is {java_options!r}")
    check_volumes(checks, pod_spec, container, expected)
    check_replicas(checks, deployment, expected)
    check_application_yml(checks, config_maps[0] if config_maps else {}, container, expected)
    check_optional_objects(checks, items, expected)
    check_api_tokens(checks, items, pod_spec, container,
                     config_maps[0] if config_maps else {}, expected)

    for failure in checks.failures:
        print(f"FAIL {failure}")
    if checks.failures:
        sys.exit(1)
    print(f"ok   {values_name}: {len(items)} objects checked")


if __name__ == "__main__":
    main()
