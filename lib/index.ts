// The public API of Stagecraft: what a platform author uses in main.ts (constructs, the
// environment table and its parts, enums and factories) and in its tests. Everything else is
// imported by path inside the repository (README, Layout).
export type { BackupProps, ObjectStoreEndpointProps } from './model/backup';
export type { ClusterComponents, KubernetesApiEndpoint } from './model/cluster-components';
export { DatastoreTopology, PoolMode } from './model/datastore-settings';
export type { DatastoreEnvironmentProps, ExternalEndpointProps, PoolerProps } from './model/datastore-settings';
export { EnvironmentTable } from './model/environment-table';
export { Environment } from './model/environment';
export type { EnvironmentProps } from './model/environment';
export { Exposure } from './model/exposure';
export type { IngressProps } from './model/exposure';
export { ArgoCdObjects } from './model/gitops';
export type { GitOpsProps } from './model/gitops';
export type { ClusterCredentialsProps, ClusterDatastoreProps, ClusterProps } from './model/cluster';
export { NetworkPolicyMode } from './model/network-policy-mode';
export { AlertLevel, Alerting } from './model/alerting';
export type { AlertingOptions } from './model/alerting';
export { AlertUrgency, MULTI_WINDOW_MULTI_BURN_RATE } from './model/burn-rate';
export type { BurnRateAlert, BurnRateWindow } from './model/burn-rate';
export { Logging } from './model/logging';
export type { AggregatedLoggingOptions } from './model/logging';
export { Metrics, MetricsLevel } from './model/metrics';
export type { MetricsOptions } from './model/metrics';
export { Objective } from './model/objective';
export type { ObjectiveProps } from './model/objective';
export type { OperationsProps } from './model/operations';
export { Sli } from './model/sli';
export type { GrpcSliOptions, HttpSliOptions, PromqlSliOptions, RatioSliOptions, SeriesSelector } from './model/sli';
export type { PodSecurityLevel, PodSecurityProps } from './model/pod-security';
export type { ResourceOverride, ResourceRequirements } from './model/resources';
export { RolloutStrategy } from './model/rollout-strategy';
export type { BlueGreenProps, CanaryProps, CanaryStep } from './model/rollout-strategy';
export { Scaling } from './model/scaling';
export type { AutoscaleOptions } from './model/scaling';
export { SecretSource } from './model/secret-source';
export type { ExternalSecretsOptions } from './model/secret-source';
export { SecretStoreProvider } from './model/secret-store-provider';
export type {
  AwsSecretsManagerOptions,
  AzureKeyVaultOptions,
  InfisicalOptions,
  OnePasswordConnectOptions,
  StoreCredentialRef,
  StoreServiceAccountRef,
  VaultOptions,
} from './model/secret-store-provider';
export type { ImagePullPolicy, SchedulingProps } from './model/scheduling';
export type { SyncWindowProps } from './model/sync-window';
export { Tracing } from './model/tracing';
export type { OpenTelemetryOptions } from './model/tracing';
export { LETS_ENCRYPT_PRODUCTION, LETS_ENCRYPT_STAGING, Tls } from './model/tls';
export type { AcmeOptions } from './model/tls';
export type { Severity, ValidationProps } from './model/validation-settings';
export type { VerificationProps } from './model/verification-settings';
export { Datastore } from './constructs/datastores/datastore';
export type { ConnectionFields, DatastoreProps } from './constructs/datastores/datastore';
export { DatastoreEngine } from './constructs/datastores/datastore-engine';
export type { IDatastoreEngine } from './constructs/datastores/engine';
export type { IEndpoint } from './constructs/endpoint';
export type { MetricsEndpointProps } from './constructs/metrics-endpoint';
export { JobGrant } from './constructs/job-grant';
export type { JobGrantProps } from './constructs/job-grant';
export { JobTemplate } from './constructs/job-template';
export type { JobTemplateProps } from './constructs/job-template';
export { Microservice } from './constructs/microservice';
export type { MicroserviceProps, SecretKeyRef, ServiceOverride } from './constructs/microservice';
export { Probe } from './constructs/probe';
export type {
  ExecProbeOptions,
  GrpcProbeOptions,
  HttpProbeOptions,
  ProbeTimings,
  TcpProbeOptions,
} from './constructs/probe';
export { ServiceType } from './constructs/service-type';
export type { RenderedObject, ServiceCustomizer } from './constructs/service-customizer';
export type { ContainerProps } from './constructs/container';
export { VolumeSource } from './constructs/volume';
export type { EmptyDirOptions, KeyedVolumeOptions, VolumeMountProps } from './constructs/volume';
export { NamespaceBundle } from './constructs/namespace-bundle';
export type { NamespaceBundleProps } from './constructs/namespace-bundle';
export { Platform } from './constructs/platform';
export type { PlatformProps } from './constructs/platform';
export { checkRequiredVariables } from './constructs/required-variables';
export type { RequiredVariablesOptions } from './constructs/required-variables';
export { SharedConfig } from './constructs/shared-config';
export type { SharedConfigProps, SharedSecretProps } from './constructs/shared-config';
export { Worker } from './constructs/worker';
export type { WorkerProps } from './constructs/worker';
export type { SynthOptions } from './synth/synth-options';
export { synth } from './synth/synth';
export { renderSkaffold } from './generators/skaffold';
export { StagecraftError } from './core/errors';
export { runMain } from './core/run-main';
