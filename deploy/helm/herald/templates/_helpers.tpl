{{/* Chart name, overridable with nameOverride. */}}
{{- define "herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the objects: the release name, followed by the chart name unless it already contains it. */}}
{{- define "herald.fullname" -}}
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

{{/* Labels every object carries. */}}
{{- define "herald.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "herald.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the node pods; cluster bootstrap finds its peers with the same selector. */}}
{{- define "herald.selectorLabels" -}}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: speaker
{{- end }}

{{/* The selector as a string, for --pod-label-selector. */}}
{{- define "herald.selectorString" -}}
app.kubernetes.io/name={{ include "herald.name" . }},app.kubernetes.io/instance={{ .Release.Name }},app.kubernetes.io/component=speaker
{{- end }}

{{- define "herald.serviceAccountName" -}}
{{- if .Values.speaker.serviceAccount.create }}
{{- default (include "herald.fullname" .) .Values.speaker.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.speaker.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "herald.image" -}}
{{- printf "%s:%s" .Values.speaker.image.repository (default .Chart.AppVersion .Values.speaker.image.tag) }}
{{- end }}

{{/* logback level for MetalLB's log levels. */}}
{{- define "herald.logbackLevel" -}}
{{- $levels := dict "all" "ALL" "debug" "DEBUG" "info" "INFO" "warn" "WARN" "error" "ERROR" "none" "OFF" }}
{{- get $levels .Values.speaker.logLevel }}
{{- end }}

{{- define "herald.postgresFullname" -}}
{{- printf "%s-postgresql" (include "herald.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* PostgreSQL host: the configured one, or the bundled server's Service. */}}
{{- define "herald.postgresHost" -}}
{{- if .Values.persistence.postgres.host }}
{{- .Values.persistence.postgres.host }}
{{- else if .Values.postgresql.enabled }}
{{- printf "%s.%s.svc" (include "herald.postgresFullname" .) .Release.Namespace }}
{{- else }}
{{- fail "persistence.backend=postgres needs persistence.postgres.host or postgresql.enabled=true" }}
{{- end }}
{{- end }}

{{/* Secret holding the database password: an existing one, or the chart's. */}}
{{- define "herald.postgresSecretName" -}}
{{- default (printf "%s-journal" (include "herald.fullname" .)) .Values.persistence.postgres.existingSecret }}
{{- end }}

{{/* True when the chart must create the password Secret. */}}
{{- define "herald.postgresOwnSecret" -}}
{{- if and (or (eq .Values.persistence.backend "postgres") .Values.postgresql.enabled) (not .Values.persistence.postgres.existingSecret) }}true{{ end }}
{{- end }}

{{/*
A structural schema for a metav1.LabelSelector, shared by the CRDs.
*/}}
{{- define "herald.crd.labelSelector" -}}
type: object
description: A label query over a set of resources; the results of matchLabels and matchExpressions are ANDed.
x-kubernetes-map-type: atomic
properties:
  matchExpressions:
    type: array
    items:
      type: object
      required: [key, operator]
      properties:
        key:
          type: string
        operator:
          type: string
        values:
          type: array
          items:
            type: string
          x-kubernetes-list-type: atomic
    x-kubernetes-list-type: atomic
  matchLabels:
    type: object
    additionalProperties:
      type: string
{{- end }}

{{/* Labels of a CRD. */}}
{{- define "herald.crd.labels" -}}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: metallb-api
{{- end }}

{{/*
"true" when the node answers ARP/NDP: speaker.layer2.enabled, or a configInline pool with
protocol layer2.
*/}}
{{- define "herald.layer2" -}}
{{- $on := .Values.speaker.layer2.enabled -}}
{{- $ci := .Values.configInline -}}
{{- if kindIs "string" $ci -}}{{- $ci = fromYaml $ci -}}{{- end -}}
{{- if kindIs "map" $ci -}}
{{- range (index $ci "address-pools" | default list) -}}
{{- if eq (toString .protocol) "layer2" -}}{{- $on = true -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- ternary "true" "false" $on -}}
{{- end -}}
