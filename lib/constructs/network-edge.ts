import { IEndpoint } from './endpoint';

/** One connection inside the namespace: pods of `from` reach `to`, one allow of the default-deny network policies. */
export interface NetworkEdge {
  /** The client pods: a stable name for the policy's name, and their labels. */
  readonly from: { readonly name: string; readonly selector: Readonly<Record<string, string>> };
  /** What they connect to. */
  readonly to: IEndpoint;
}
