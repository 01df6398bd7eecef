import { toYaml } from '../lib/core/yaml';
import { resolveResources } from '../lib/model/resources';
import { SYNTHETIC_PLATFORM, SyntheticSize, syntheticEnvironments, syntheticServices } from './synthetic';

/**
 * The peer: the synthetic platform as one Helm chart with a values file per environment,
 * rendering the same objects, fields and security context as the cdk8s bases plus overlays.
 * Returns chart files by path relative to the chart directory.
 */
export function helmChart(size: SyntheticSize): Record<string, string> {
  const services = syntheticServices(size.services);
  const ports = new Map(services.map((s) => [s.name, s.port]));
  const files: Record<string, string> = {
    'Chart.yaml': toYaml({ apiVersion: 'v2', name: SYNTHETIC_PLATFORM, version: '0.1.0' }, ''),
    'values.yaml': toYaml(
      {
        platform: SYNTHETIC_PLATFORM,
        services: services.map((s) => ({
          name: s.name,
          image: s.image,
          tag: s.tag,
          port: s.port,
          component: s.component,
          healthPath: s.healthPath,
          livenessInitialDelaySeconds: s.livenessInitialDelaySeconds,
          runAsUser: 10001,
          variables: {
            ...Object.fromEntries(Object.entries(s.connections).map(([v, n]) => [v, `http://${n}:${ports.get(n)}`])),
            ...s.variables,
          },
        })),
      },
      '',
    ),
    ...TEMPLATES,
  };
  for (const env of syntheticEnvironments(size)) {
    const autoscale = env.scaling.autoscale;
    files[`values-${env.name}.yaml`] = toYaml(
      {
        environment: env.name,
        namespace: env.namespace,
        ...(autoscale ? { autoscale } : { replicas: env.scaling.replicas }),
        disruptionBudget: env.scaling.maxReplicas > 1,
        resources: resolveResources(env.name, env.resources),
        variables: env.variables,
        serviceVariables: env.serviceVariables,
      },
      '',
    );
  }
  return files;
}

const TEMPLATES: Record<string, string> = {
  'templates/_helpers.tpl': `{{- define "bench.labels" -}}
app.kubernetes.io/component: {{ .s.component }}
app.kubernetes.io/managed-by: stagecraft
app.kubernetes.io/name: {{ .s.name }}
app.kubernetes.io/part-of: {{ .root.Values.platform }}
environment: {{ .root.Values.environment }}
{{- end }}
{{- define "bench.selector" -}}
app.kubernetes.io/name: {{ .s.name }}
app.kubernetes.io/part-of: {{ .root.Values.platform }}
{{- end }}
{{- define "bench.envVariables" -}}
{{- merge (dict) (index .root.Values.serviceVariables .s.name | default dict) .root.Values.variables | toYaml }}
{{- end }}
`,
  'templates/serviceaccount.yaml': `{{- range $s := .Values.services }}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $s.name }}
  namespace: {{ $.Values.namespace }}
  labels:
    {{- include "bench.labels" (dict "s" $s "root" $) | nindent 4 }}
automountServiceAccountToken: false
{{- end }}
`,
  'templates/configmap.yaml': `{{- range $s := .Values.services }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $s.name }}
  namespace: {{ $.Values.namespace }}
  labels:
    {{- include "bench.labels" (dict "s" $s "root" $) | nindent 4 }}
data:
  {{- merge (include "bench.envVariables" (dict "s" $s "root" $) | fromYaml) $s.variables | toYaml | nindent 2 }}
{{- end }}
`,
  'templates/service.yaml': `{{- range $s := .Values.services }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $s.name }}
  namespace: {{ $.Values.namespace }}
  labels:
    {{- include "bench.labels" (dict "s" $s "root" $) | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "bench.selector" (dict "s" $s "root" $) | nindent 4 }}
  ports:
    - name: http
      port: {{ $s.port }}
      protocol: TCP
      targetPort: http
{{- end }}
`,
  'templates/deployment.yaml': `{{- range $s := .Values.services }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $s.name }}
  namespace: {{ $.Values.namespace }}
  labels:
    {{- include "bench.labels" (dict "s" $s "root" $) | nindent 4 }}
spec:
  {{- if not $.Values.autoscale }}
  replicas: {{ $.Values.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "bench.selector" (dict "s" $s "root" $) | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      annotations:
        stagecraft.dev/config-hash: {{ include "bench.envVariables" (dict "s" $s "root" $) | sha256sum | trunc 16 }}
      labels:
        {{- include "bench.labels" (dict "s" $s "root" $) | nindent 8 }}
    spec:
      serviceAccountName: {{ $s.name }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ $s.runAsUser }}
        runAsGroup: {{ $s.runAsUser }}
        fsGroup: {{ $s.runAsUser }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ $s.name }}
          image: "{{ $s.image }}:{{ $s.tag }}"
          imagePullPolicy: IfNotPresent
          ports:
            - name: http
              containerPort: {{ $s.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ $s.name }}
          {{- range $probe, $delay := dict "livenessProbe" $s.livenessInitialDelaySeconds "readinessProbe" 0 }}
          {{ $probe }}:
            httpGet:
              path: {{ $s.healthPath }}
              port: http
            initialDelaySeconds: {{ $delay }}
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          {{- end }}
          resources:
            {{- toYaml $.Values.resources | nindent 12 }}
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            privileged: false
            capabilities:
              drop:
                - ALL
          volumeMounts:
            - name: writable-0
              mountPath: /tmp
      volumes:
        - name: writable-0
          emptyDir: {}
{{- end }}
`,
  'templates/pdb.yaml': `{{- if .Values.disruptionBudget }}
{{- range $s := .Values.services }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $s.name }}
  namespace: {{ $.Values.namespace }}
  labels:
    {{- include "bench.labels" (dict "s" $s "root" $) | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "bench.selector" (dict "s" $s "root" $) | nindent 6 }}
{{- end }}
{{- end }}
`,
  'templates/hpa.yaml': `{{- with .Values.autoscale }}
{{- range $s := $.Values.services }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $s.name }}
  namespace: {{ $.Values.namespace }}
  labels:
    {{- include "bench.labels" (dict "s" $s "root" $) | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $s.name }}
  minReplicas: {{ $.Values.autoscale.minReplicas }}
  maxReplicas: {{ $.Values.autoscale.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $.Values.autoscale.targetCpuUtilizationPercent }}
{{- end }}
{{- end }}
`,
};
