/** Typed props for the Strimzi `kafka.strimzi.io/v1` (Strimzi 1.x) fields the platform uses (KRaft with node pools). */
export interface KafkaSpec {
  readonly kafka: {
    readonly version: string;
    readonly listeners: ReadonlyArray<{
      readonly name: string;
      readonly port: number;
      readonly type: 'internal';
      readonly tls: boolean;
    }>;
    readonly config: Record<string, number | string>;
    /** The JMX Prometheus exporter on port 9404 (`tcp-prometheus`), its rules in a ConfigMap key. */
    readonly metricsConfig?: {
      readonly type: 'jmxPrometheusExporter';
      readonly valueFrom: { readonly configMapKeyRef: { readonly name: string; readonly key: string } };
    };
  };
  readonly entityOperator: {
    readonly topicOperator: Record<string, never>;
    readonly userOperator: Record<string, never>;
    /** Pod and container templates of the entity operator. */
    readonly template: {
      readonly pod: { readonly securityContext: SecurityContext };
      readonly topicOperatorContainer: { readonly securityContext: SecurityContext };
      readonly userOperatorContainer: { readonly securityContext: SecurityContext };
    };
  };
}

/** A pod or container security context, passed through to the pods Strimzi creates. */
export type SecurityContext = Readonly<Record<string, unknown>>;

/** Strimzi KafkaNodePool spec. */
export interface KafkaNodePoolSpec {
  readonly replicas: number;
  readonly roles: ReadonlyArray<'controller' | 'broker'>;
  readonly storage: {
    readonly type: 'persistent-claim' | 'ephemeral';
    readonly size: string;
    readonly deleteClaim: boolean;
  };
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  /** Pod and Kafka container templates of the pool's nodes. */
  readonly template: {
    readonly pod: { readonly securityContext: SecurityContext };
    readonly kafkaContainer: { readonly securityContext: SecurityContext };
  };
}
