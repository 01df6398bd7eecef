import { listOption, parseCommandArgs } from '../lib/core/command-args';
import { ArgoCdApiSource, IApplicationSource, KubectlApplicationSource } from '../lib/release/application-status';
import { releaseContext } from '../lib/release/release-context';
import { actor, formatVerifications, verifiableEnvironment, verifyEnvironment } from '../lib/release/verification';
import { appendVerifications, readVerifications, VERIFIED_FILE } from '../lib/release/verification-record';
import { runMain } from '../lib/core/run-main';
import { APP_OPTION, resolveAppEntry } from '../lib/synth/app-entry';
import { loadApp } from '../lib/synth/load-app';

const USAGE =
  'usage: npm run verify -- <env> [--cluster <cluster>] [--app <file.ts>] [--only svc1,svc2] [--argocd-server <url> | --context <kube context>] [--prometheus <url>] [--timeout-seconds <n>] [--json]';

runMain('verify', async () => {
  const { positionals, values } = parseCommandArgs({
    usage: USAGE,
    positionals: [1, 1],
    options: {
      ...APP_OPTION,
      cluster: { type: 'string' },
      only: { type: 'string' },
      'argocd-server': { type: 'string' },
      context: { type: 'string' },
      prometheus: { type: 'string' },
      'timeout-seconds': { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  const timeoutSeconds = Number(values['timeout-seconds']);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    throw new Error(
      `--timeout-seconds must be a whole number >= 1, got ${JSON.stringify(values['timeout-seconds'])}; ${USAGE}`,
    );
  }
  if (values['argocd-server'] !== undefined && values.context !== undefined) {
    throw new Error(`--argocd-server and --context are two ways to read Argo CD: pass one; ${USAGE}`);
  }
  const app = loadApp(resolveAppEntry({ app: values.app }));
  const ctx = releaseContext(app);
  const env = verifiableEnvironment(ctx, positionals[0]);
  readVerifications(ctx.rootDir); // a malformed record file is refused before anything is asked
  const argocdNamespace = app.platform.gitops?.argocdNamespace ?? 'argocd';
  const server = values['argocd-server'] ?? env.verification!.argoCdServer;
  let applications: IApplicationSource;
  if (values.context !== undefined) {
    applications = new KubectlApplicationSource(values.context, argocdNamespace, timeoutSeconds);
  } else if (server !== undefined) {
    applications = new ArgoCdApiSource(server, process.env.ARGOCD_AUTH_TOKEN, timeoutSeconds);
  } else {
    throw new Error(
      `environment ${env.name} names no argoCdServer in its verification settings: pass --argocd-server <url> or --context <kube context>; ${USAGE}`,
    );
  }
  const results = await verifyEnvironment(ctx, {
    env: positionals[0],
    cluster: values.cluster,
    applications,
    prometheusAddress: values.prometheus,
    timeoutSeconds,
    only: listOption(values.only),
    by: actor(ctx.rootDir),
    now: new Date(),
  });
  appendVerifications(
    ctx.rootDir,
    results.map((r) => r.record),
  );
  const failed = results.filter((r) => r.record.result === 'failed');
  const recorded = `recorded ${results.length} verification(s) of ${env.name} in ${VERIFIED_FILE}`;
  if (values.json) {
    // Machines read stdout: the results only; what was recorded goes to stderr.
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    process.stderr.write(`verify: ${recorded}\n`);
  } else {
    process.stdout.write(formatVerifications(results));
    console.log(recorded);
  }
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} service(s) of ${env.name} failed verification: ${failed.map((r) => r.record.service).join(', ')}`,
    );
  }
});
