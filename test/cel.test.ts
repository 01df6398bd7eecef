import { celRuleHolds, CelUnsupported } from '../lib/gate/cel';

describe('celRuleHolds: the CEL subset of the operators CRD rules', () => {
  test.each([
    ['(has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1', { tpp: {} }, true],
    [
      '(has(self.tpp) ? 1 : 0) + (has(self.cloud) ? 1 : 0) + (has(self.ngts) ? 1 : 0) == 1',
      { tpp: {}, cloud: {} },
      false,
    ],
    ['!(has(self.imageCatalogRef) && has(self.imageName))', { imageName: 'pg' }, true],
    ['!(has(self.imageCatalogRef) && has(self.imageName))', { imageName: 'pg', imageCatalogRef: {} }, false],
    ["self.kind == 'ImageCatalog' || self.kind == 'ClusterImageCatalog'", { kind: 'Other' }, false],
    ['[has(self.vault),has(self.environment)].filter(x,x==true).size() <= 1', { vault: 'v' }, true],
    ['[has(self.vault),has(self.environment)].filter(x,x==true).size() <= 1', { vault: 'v', environment: 'e' }, false],
    ["!('esoNamespace' in self) && !('esoStoreName' in self)", { team: 'a' }, true],
    ["!('esoNamespace' in self) && !('esoStoreName' in self)", { esoNamespace: 'a' }, false],
    ['has(self.value) != has(self.secretRef)', { value: 'x' }, true],
    ["self.type != 'jmxPrometheusExporter' || has(self.valueFrom)", { type: 'jmxPrometheusExporter' }, false],
    ['self > 0', 0, false],
    ['self.all(x, x.startsWith("a"))', ['ab', 'ac'], true],
  ])('%s on %j is %s', (rule, self, expected) => {
    expect(celRuleHolds(rule, self)).toBe(expected);
  });

  test('a rule that selects an unset field fails, as the API server reports it', () => {
    expect(celRuleHolds("self.localeProvider == 'icu'", {})).toBe(false);
  });

  test('fails when the rule uses CEL it does not support (the gate then skips the rule)', () => {
    expect(() => celRuleHolds('self.url().getHost() == "x"', 'https://x')).toThrow(CelUnsupported);
    expect(() => celRuleHolds('quantity(self).isGreaterThan(quantity("1"))', '2')).toThrow(CelUnsupported);
  });
});
