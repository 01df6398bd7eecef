import { IEndpoint } from './endpoint';

/** Pods of one kind that open connections: a stable name for the network policies' names, and their labels. */
export interface NetworkClient {
  /** Stable name (`catalogue`, `postgresql-backup`). */
  readonly name: string;
  /** Labels of the pods. */
  readonly selector: Readonly<Record<string, string>>;
}

/** One connection inside the namespace: pods of `from` reach `to`, one allow of the default-deny network policies. */
export interface NetworkEdge {
  /** The client pods: a stable name for the policy's name, and their labels. */
  readonly from: NetworkClient;
  /** What they connect to. */
  readonly to: IEndpoint;
}
