{{/* The apps of stack.json this release deploys, as a list of dicts. */}}
{{- define "soulchat.apps" -}}
{{- $stack := .Files.Get "stack.json" | fromJson -}}
{{- $apps := list -}}
{{- range $stack.apps -}}
{{- if not (has .id $.Values.excludeApps) -}}
{{- $apps = append $apps . -}}
{{- end -}}
{{- end -}}
{{- toJson (dict "apps" $apps) -}}
{{- end -}}

{{/* Settings of one app: serviceDefaults overlaid with services.<id>. Call with (list $ $app). */}}
{{- define "soulchat.settings" -}}
{{- $root := index . 0 -}}
{{- $app := index . 1 -}}
{{- toJson (mergeOverwrite (deepCopy $root.Values.serviceDefaults) (get $root.Values.services $app.id | default dict)) -}}
{{- end -}}

{{- define "soulchat.labels" -}}
app.kubernetes.io/part-of: soulchat
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "soulchat.selector" -}}
app.kubernetes.io/part-of: soulchat
app.kubernetes.io/instance: {{ index . 0 }}
app.kubernetes.io/name: {{ index . 1 }}
{{- end -}}

{{/*
Component files of a profile by component name, after the profiles it extends (as
tools/stack/resources.ts resolves them). Call with (list $ "<profile>"); returns JSON.
*/}}
{{- define "soulchat.profileFiles" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $dir := printf "components/%s" $name -}}
{{- $profile := $root.Files.Get (printf "%s/profile.json" $dir) -}}
{{- if not $profile -}}
{{- fail (printf "unknown component profile %q: no %s/profile.json" $name $dir) -}}
{{- end -}}
{{- $profile = $profile | fromJson -}}
{{- $files := dict -}}
{{- range $profile.extends | default list -}}
{{- $files = merge (include "soulchat.profileFiles" (list $root .) | fromJson) $files -}}
{{- end -}}
{{- range $path, $_ := $root.Files.Glob (printf "%s/*.yaml" $dir) -}}
{{- $doc := $root.Files.Get $path | fromYaml -}}
{{- $_ := set $files $doc.metadata.name $path -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}
