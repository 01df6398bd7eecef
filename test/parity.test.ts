import { checkParity, formatParity } from '../lib/review/parity';
import { synthShop, tempDirsRemovedAfterEach } from './support';

const tempDir = tempDirsRemovedAfterEach();

describe('parity report', () => {
  test('says every difference is explained when there is no finding', async () => {
    const root = tempDir();
    const findings = await checkParity({ rootDir: root, platform: synthShop(root).platform });
    expect(formatParity(findings)).toBe(
      'parity: every difference between environments is explained by the environment table\n',
    );
  });

  test('prints one line per finding: overlay, object, check id, message', () => {
    const finding = {
      overlay: 'overlays/prod/cart',
      object: 'Deployment/cart',
      message: 'spec.replicas: model 2, overlay 3',
    };
    expect(formatParity([finding, { ...finding, overlay: 'overlays/dev/cart' }])).toBe(
      'overlays/prod/cart  Deployment/cart  parity  spec.replicas: model 2, overlay 3\n' +
        'overlays/dev/cart  Deployment/cart  parity  spec.replicas: model 2, overlay 3\n',
    );
  });
});
