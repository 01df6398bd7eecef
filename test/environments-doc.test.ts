import * as fs from 'fs';
import * as path from 'path';
import { synthBazaar, tempDir } from './support';

describe('ENVIRONMENTS.md', () => {
  const root = tempDir();
  synthBazaar(root);
  const doc = fs.readFileSync(path.join(root, 'ENVIRONMENTS.md'), 'utf8');

  test('carries the environment overview of the table', () => {
    expect(doc).toContain('| **Dev** | bazaar-dev | Active development | 1 | Enabled | CI (`npm run set-image`) |');
    expect(doc).toContain('| **Staging** | bazaar-staging | Pre-production testing | 2 | Enabled | dev |');
    expect(doc).toContain('| **Prod** | bazaar-prod | Production | HPA 3-10 | Enabled | staging |');
  });

  test('carries resources and environment variables per environment', () => {
    expect(doc).toContain('| Catalogue | 100m / 128Mi | 200m / 256Mi | 500m / 512Mi |');
    expect(doc).toContain('| LOG_LEVEL (all services) | DEBUG | INFO | WARN |');
    expect(doc).toContain('| FLASK_DEBUG (catalogue) | True | False | False |');
    expect(doc).toContain('| NODE_ENV (frontend) | development | staging | production |');
    expect(doc).toContain('| GIN_MODE (recommendation) | debug | release | release |');
  });

  test('carries the monitoring, security practice, DR and scaling rows of the table', () => {
    expect(doc).toContain('| Uptime SLA | None | None | 99.9% |');
    expect(doc).toContain(
      '| Tracing | Disabled | Enabled (OpenTelemetry, 100% sampled) | Enabled (OpenTelemetry, 10% sampled) |',
    );
    expect(doc).toContain(
      '| Metrics | Basic (services, every 60s) | Full (services and datastores, every 30s) | Full (services and datastores, every 30s) |',
    );
    expect(doc).toContain(
      '| Alerts | None | Basic (page: warning, ticket: info; team=bazaar) | Comprehensive (page: critical, ticket: warning; team=bazaar) |',
    );
    expect(doc).toContain('| Logging | Console | Aggregated | Aggregated, 30 days retention |');
    expect(doc).toContain('| Secrets Rotation | Manual | Manual | Automated |');
    expect(doc).toContain('| RTO | N/A | 4 hours | 1 hour |');
    expect(doc).toContain('| RPO | N/A | 24 hours | 1 hour |');
    expect(doc).toContain('| **Prod** | HPA (3-10 replicas, 70% CPU) | None | maxUnavailable 1 | $500-1000 |');
  });

  test('draws the promotion flow from the promotedFrom links', () => {
    expect(doc).toContain(
      '  ci -- "npm run set-image" --> dev\n  dev -- "npm run promote -- dev staging" --> staging\n',
    );
    expect(doc).toContain('  staging -- "npm run promote -- staging prod --approve" --> prod\n');
  });

  test('lists the tags the overlays pin now, and follows a promoted tag', () => {
    expect(doc).toContain('| Voting | `2.1.0` | `2.1.0` | `2.1.0` |');
    const file = path.join(root, 'overlays/dev/voting/kustomization.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('newTag: 2.1.0', 'newTag: 2.2.0'));
    synthBazaar(root);
    expect(fs.readFileSync(path.join(root, 'ENVIRONMENTS.md'), 'utf8')).toContain(
      '| Voting | `2.2.0` | `2.1.0` | `2.1.0` |',
    );
  });
});
