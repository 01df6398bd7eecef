import { execFile } from 'child_process';
import { kubectlPath } from '../kube/kubectl';
import { getJson } from './http-json';

/** What Argo CD says about one Application. */
export interface ApplicationStatus {
  /** Application name. */
  readonly name: string;
  /** `status.sync.status`: `Synced`, `OutOfSync`, `Unknown`. */
  readonly sync: string;
  /** `status.health.status`: `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  readonly health: string;
  /** `status.summary.images`: every image the Application's live objects run. */
  readonly images: readonly string[];
  /** When the running revision was deployed (`deployedAt` of the newest `status.history` entry). */
  readonly deployedAt: string | undefined;
}

/** Where `npm run verify` reads Applications from: the Argo CD API or the cluster through kubectl. */
export interface IApplicationSource {
  /** The status of the Application `name`, or a one-line error. */
  status(name: string): Promise<ApplicationStatus>;
}

/** Reads an Application object (the API's `/api/v1/applications/<name>` body or `kubectl get -o json`). */
export function applicationStatus(name: string, object: unknown): ApplicationStatus {
  const status = (object as { status?: Record<string, any> } | undefined)?.status;
  if (!status) throw new Error(`application ${name} has no status yet (has Argo CD reconciled it?)`);
  const history = Array.isArray(status.history) ? status.history : [];
  return {
    name,
    sync: String(status.sync?.status ?? 'Unknown'),
    health: String(status.health?.status ?? 'Unknown'),
    images: Array.isArray(status.summary?.images) ? status.summary.images.map(String) : [],
    deployedAt: history.length > 0 ? history[history.length - 1].deployedAt : undefined,
  };
}

/** The Argo CD API server at `server`, authenticated with a bearer token (from `ARGOCD_AUTH_TOKEN`). */
export class ArgoCdApiSource implements IApplicationSource {
  constructor(
    private readonly server: string,
    private readonly token: string | undefined,
    private readonly timeoutSeconds: number,
  ) {}

  public async status(name: string): Promise<ApplicationStatus> {
    const url = `${this.server.replace(/\/+$/, '')}/api/v1/applications/${encodeURIComponent(name)}`;
    const headers: Record<string, string> = this.token ? { Authorization: `Bearer ${this.token}` } : {};
    const { status, body } = await getJson('argocd', url, { timeoutSeconds: this.timeoutSeconds, headers });
    if (status === 401 || status === 403) {
      throw new Error(`argocd ${this.server}: not authorized to read application ${name} (set ARGOCD_AUTH_TOKEN)`);
    }
    if (status === 404) throw new Error(`argocd ${this.server}: application ${name} not found`);
    if (status !== 200 || body === undefined) {
      throw new Error(`argocd ${this.server}: HTTP ${status} for application ${name}`);
    }
    return applicationStatus(name, body);
  }
}

/** The Application objects in the cluster of a kube context, read with the repository's kubectl. */
export class KubectlApplicationSource implements IApplicationSource {
  constructor(
    private readonly context: string,
    private readonly namespace: string,
    private readonly timeoutSeconds: number,
  ) {}

  public status(name: string): Promise<ApplicationStatus> {
    const args = [
      'get',
      'applications.argoproj.io',
      name,
      '--namespace',
      this.namespace,
      '--context',
      this.context,
      `--request-timeout=${this.timeoutSeconds}s`,
      '-o',
      'json',
    ];
    return new Promise((resolve, reject) => {
      execFile(
        kubectlPath(),
        args,
        { encoding: 'utf8', timeout: (this.timeoutSeconds + 5) * 1000 },
        (error, stdout, stderr) => {
          if (error) {
            const line = stderr.trim().split('\n')[0] || error.message.split('\n')[0];
            reject(new Error(`kubectl --context ${this.context}: application ${name}: ${line}`));
            return;
          }
          try {
            resolve(applicationStatus(name, JSON.parse(stdout)));
          } catch (parseError) {
            reject(parseError);
          }
        },
      );
    });
  }
}
