{{- define "ghostwatch.labels" -}}
app.kubernetes.io/name: ghostwatch
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{- define "ghostwatch.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}

{{/* The alert outputs of the configuration, from .Values.outputs. */}}
{{- define "ghostwatch.outputs" -}}
stdout_output:
  enabled: true
{{- if .Values.outputs.nats.enabled }}
nats_output:
  enabled: true
  url: {{ .Values.outputs.nats.url | quote }}
  subject: {{ .Values.outputs.nats.subject | quote }}
  stream: {{ .Values.outputs.nats.stream | quote }}
{{- end }}
{{- if .Values.outputs.http.enabled }}
http_output:
  enabled: true
  url: {{ required "outputs.http.url is required" .Values.outputs.http.url | quote }}
{{- end }}
{{- end }}
