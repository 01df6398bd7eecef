import { promotionCommitMessage, rollbackCommitMessage } from '../lib/release/commit-message';
import { PinChange } from '../lib/release/promotion';

const DIGEST = 'sha256:' + 'a'.repeat(64);
const change = (service: string, before: string | undefined, after: string): PinChange => ({
  service,
  env: 'prod',
  file: `overlays/prod/${service}/kustomization.yaml`,
  before: before === undefined ? undefined : { newTag: before },
  after: { newTag: after },
  text: '',
});

describe('commit messages', () => {
  test('a promotion names the stages and the services, then one old -> new line per service', () => {
    expect(promotionCommitMessage('staging', 'prod', [change('catalogue', '1.4.2', '1.5.0')])).toBe(
      'promote staging -> prod: catalogue\n\n- catalogue: 1.4.2 -> 1.5.0\n',
    );
    expect(
      promotionCommitMessage('dev', 'staging', [
        change('voting', '2.1.0', '2.2.0'),
        { ...change('frontend', undefined, '1.9.0'), after: { newTag: '1.9.0', digest: DIGEST } },
      ]),
    ).toBe(
      'promote dev -> staging: voting, frontend\n\n- voting: 2.1.0 -> 2.2.0\n- frontend: (none) -> 1.9.0@sha256:aaaaaaaaaaaa…\n',
    );
  });

  test('a rollback names the environment, the services and the reason', () => {
    expect(rollbackCommitMessage('dev', 'memory leak', [change('catalogue', '1.6.0', '1.5.0')])).toBe(
      'rollback dev: catalogue\n\nReason: memory leak\n\n- catalogue: 1.6.0 -> 1.5.0\n',
    );
  });
});
