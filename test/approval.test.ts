import { EnvironmentTable, Scaling } from '../lib';
import { APPROVAL_ANSWER, approvalPrompt, requireApproval } from '../lib/release/approval';
import { PinChange } from '../lib/release/promotion';

const table = new EnvironmentTable([
  { name: 'dev', namespace: 'shop-dev', scaling: Scaling.fixed(1), resources: { cpu: '100m', memory: '128Mi' } },
  {
    name: 'prod',
    namespace: 'shop-prod',
    promotedFrom: 'dev',
    requiresApproval: true,
    scaling: Scaling.fixed(2),
    resources: { cpu: '100m', memory: '128Mi' },
  },
]);
const change: PinChange = {
  service: 'cart',
  env: 'prod',
  file: 'overlays/prod/cart/kustomization.yaml',
  before: { newTag: '1.0.0' },
  after: { newTag: '1.1.0' },
  text: '',
};
const REFUSED = 'promotion to prod requires approval: pass --approve (or answer yes on a terminal)';

/** An `ask` that records its prompts and answers `answer`. */
function asker(answer: string | undefined) {
  const prompts: string[] = [];
  return { prompts, ask: async (prompt: string) => (prompts.push(prompt), answer) };
}

describe('promotion approval', () => {
  test('an environment without requiresApproval needs none: nobody is asked', async () => {
    const { prompts, ask } = asker(undefined);
    await expect(requireApproval(table.get('dev'), [change], { ask })).resolves.toBe('not-required');
    await expect(requireApproval(table.get('dev'), [change])).resolves.toBe('not-required');
    expect(prompts).toEqual([]);
  });

  test('--approve approves up front: nobody is asked', async () => {
    const { prompts, ask } = asker(undefined);
    await expect(requireApproval(table.get('prod'), [change], { approved: true, ask })).resolves.toBe('flag');
    expect(prompts).toEqual([]);
  });

  test('otherwise a person is asked and approves by answering yes', async () => {
    const { prompts, ask } = asker(` ${APPROVAL_ANSWER}\n`);
    await expect(requireApproval(table.get('prod'), [change, change], { ask })).resolves.toBe('terminal');
    expect(prompts).toEqual(['promote 2 service(s) to prod? type yes to approve: ']);
    expect(approvalPrompt(table.get('prod'), [change])).toBe('promote 1 service(s) to prod? type yes to approve: ');
  });

  test('fails when nobody can answer (no terminal)', async () => {
    await expect(requireApproval(table.get('prod'), [change], { ask: asker(undefined).ask })).rejects.toThrow(
      new Error(REFUSED),
    );
    await expect(requireApproval(table.get('prod'), [change], { approved: false })).rejects.toThrow(new Error(REFUSED));
  });

  test('fails when the answer is anything but yes', async () => {
    for (const answer of ['', 'y', 'YES', 'no']) {
      await expect(requireApproval(table.get('prod'), [change], { ask: asker(answer).ask })).rejects.toThrow(
        new Error(REFUSED),
      );
    }
  });
});
