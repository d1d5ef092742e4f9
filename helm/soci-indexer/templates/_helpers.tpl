{{/* Chart name, shortened to the 63 characters a Kubernetes label value allows. */}}
{{- define "soci-indexer.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of every object of the release; the release name alone when it already contains the chart name. */}}
{{- define "soci-indexer.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "soci-indexer.selectorLabels" -}}
app.kubernetes.io/name: {{ include "soci-indexer.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "soci-indexer.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "soci-indexer.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "soci-indexer.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "soci-indexer.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "soci-indexer.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Prefix of the environment variables that carry the secrets of one webhook source, such as
SOCI_INDEXER_WEBHOOK_HARBOR for source harbor; the ConfigMap refers to <prefix>_SECRET and
<prefix>_PASSWORD, and the Deployment fills them from the source's existingSecret.
*/}}
{{- define "soci-indexer.webhookEnvPrefix" -}}
{{- printf "SOCI_INDEXER_WEBHOOK_%s" (. | upper | replace "-" "_") }}
{{- end }}

{{/* Name of the Secret with the API tokens, or "" when there is none. */}}
{{- define "soci-indexer.apiTokenSecret" -}}
{{- if .Values.api.existingSecret }}
{{- .Values.api.existingSecret }}
{{- else if .Values.api.tokens }}
{{- printf "%s-api-tokens" (include "soci-indexer.fullname" .) }}
{{- end }}
{{- end }}

{{/* Key of the API token file in that Secret. */}}
{{- define "soci-indexer.apiTokenKey" -}}
{{- if .Values.api.existingSecret }}
{{- .Values.api.tokenKey }}
{{- else }}
{{- "tokens" }}
{{- end }}
{{- end }}

{{/*
Rejects value combinations that would break at run time. The embedded H2 job store is a file
that one process locks, so only a single replica may use it.
*/}}
{{- define "soci-indexer.validate" -}}
{{- if not .Values.postgresql.enabled }}
{{- if gt (int .Values.replicaCount) 1 }}
{{- fail (printf "replicaCount is %d, but the embedded H2 job store allows only 1 replica: set postgresql.enabled=true with postgresql.url to run more" (int .Values.replicaCount)) }}
{{- end }}
{{- if .Values.autoscaling.enabled }}
{{- fail "autoscaling.enabled needs a shared job store: set postgresql.enabled=true with postgresql.url, or turn autoscaling off" }}
{{- end }}
{{- else }}
{{- if not .Values.postgresql.url }}
{{- fail "postgresql.enabled is true, but postgresql.url is empty: set it to a JDBC URL such as jdbc:postgresql://postgres:5432/soci_indexer" }}
{{- end }}
{{- if not .Values.postgresql.existingSecret }}
{{- fail "postgresql.enabled is true, but postgresql.existingSecret is empty: name the Secret that holds the database password" }}
{{- end }}
{{- end }}
{{- if not (has .Values.api.authentication (list "token" "none")) }}
{{- fail (printf "api.authentication is %q: expected token or none" .Values.api.authentication) }}
{{- end }}
{{- range .Values.api.tokens }}
{{- if not (regexMatch "^[^[:space:]]{16,}$" .) }}
{{- fail "api.tokens: each token needs at least 16 characters and no spaces" }}
{{- end }}
{{- end }}
{{- range $name, $source := .Values.webhooks.sources }}
{{- if not (regexMatch "^[a-z0-9][a-z0-9-]*$" $name) }}
{{- fail (printf "webhooks.sources.%s: the source name must match [a-z0-9][a-z0-9-]*, as in /webhooks/{name}" $name) }}
{{- end }}
{{- if and (or $source.secretKey $source.passwordKey) (not $source.existingSecret) }}
{{- fail (printf "webhooks.sources.%s: secretKey or passwordKey is set, but existingSecret is empty: name the Secret that holds the keys" $name) }}
{{- end }}
{{- end }}
{{- end }}
