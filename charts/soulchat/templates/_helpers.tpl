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

{{/*
The accessControl of one callee app's Dapr Configuration, as tools/stack/access-control.ts renders
it locally, from the same stack.json: the ingress may invoke the app's public HTTP routes, each app
of `callers` its listed operations, nothing else (default deny). Dapr 1.18 matches an operation and
every path below it, so a path's verbs include those of the longer paths it hides (left out), and a
middle `*` segment is written `**` (only that matches there). Call with (list $ $appId).
*/}}
{{- define "soulchat.accessControl" -}}
{{- $root := index . 0 -}}
{{- $id := index . 1 -}}
{{- $callers := dict -}}
{{- range ($root.Files.Get "stack.json" | fromJson).apps -}}
{{- if eq .id $id -}}
{{- $edge := list -}}
{{- range .publicRoutes | default list -}}
{{- if kindIs "string" . }}{{ $edge = append $edge (printf "* %s" .) }}{{ else if not (include "soulchat.directRoute" .) }}{{ $edge = append $edge (printf "* %s" .prefix) }}{{ end -}}
{{- end -}}
{{- if $edge }}{{ $_ := set $callers "ingress" $edge }}{{ end -}}
{{- range $caller, $ops := .callers | default dict }}{{ if $ops }}{{ $_ := set $callers $caller $ops }}{{ end }}{{ end -}}
{{- end -}}
{{- end -}}
{{- $policies := list -}}
{{- range $caller, $ops := $callers -}}
{{- $verbs := dict -}}
{{- range $ops -}}
{{- $parts := splitList " " . -}}
{{- $path := index $parts 1 | replace "/*/" "/**/" -}}
{{- $_ := set $verbs $path (append (get $verbs $path | default list) (index $parts 0)) -}}
{{- end -}}
{{- $operations := list -}}
{{- range $path := keys $verbs | sortAlpha -}}
{{- $all := get $verbs $path -}}
{{- $hidden := false -}}
{{- range $other := keys $verbs -}}
{{- if and (not (hasSuffix "/*" $other)) (hasPrefix (printf "%s/" $other) $path) }}{{ $hidden = true }}{{ end -}}
{{- if and (not (hasSuffix "/*" $path)) (hasPrefix (printf "%s/" $path) $other) }}{{ $all = concat $all (get $verbs $other) }}{{ end -}}
{{- end -}}
{{- if not $hidden -}}
{{- $operations = append $operations (dict "name" $path "httpVerb" ($all | uniq | sortAlpha) "action" "allow") -}}
{{- end -}}
{{- end -}}
{{- $policies = append $policies (dict "appId" $caller "defaultAction" "deny" "trustDomain" "public" "namespace" $root.Release.Namespace "operations" $operations) -}}
{{- end -}}
{{- toJson (dict "defaultAction" "deny" "trustDomain" "public" "policies" $policies) -}}
{{- end -}}

{{/*
"true" when a publicRoutes entry goes straight to the app's pods, not through Dapr (a WebSocket, the
web app's files, a streamed upload), as isDirect in tools/stack/topology.ts; empty otherwise.
*/}}
{{- define "soulchat.directRoute" -}}
{{- if and (kindIs "map" .) (or .webSocket .static .streamed) }}true{{ end -}}
{{- end -}}

{{/* Non-empty when one of the app's publicRoutes is direct: it gets a headless Service and an Envoy cluster. */}}
{{- define "soulchat.hasDirectRoute" -}}
{{- range .publicRoutes | default list }}{{ include "soulchat.directRoute" . }}{{ end -}}
{{- end -}}

{{/* The name of one app's Dapr Configuration (its access control differs per callee). */}}
{{- define "soulchat.daprConfigName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (($root.Files.Get "dapr-config/config.yaml") | fromYaml).metadata.name (index . 1) -}}
{{- end -}}
