import { StagecraftError } from '../core/errors';

/**
 * Fills a client's own connection format, e.g. `'{host}:{port}'` or
 * `'redis://{host}:{port}/{database}'`, from `values`; a placeholder that is not one of them is
 * an error naming the allowed ones.
 */
export function fillTemplate(path: string, template: string, values: Readonly<Record<string, string>>): string {
  if (typeof template !== 'string' || template.length === 0) {
    throw new StagecraftError(path, `connection template must be a non-empty string, got ${JSON.stringify(template)}`);
  }
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (!(name in values)) {
      throw new StagecraftError(
        path,
        `connection template ${JSON.stringify(template)} has unknown placeholder ${whole}; allowed: ${Object.keys(
          values,
        )
          .map((k) => `{${k}}`)
          .join(', ')}`,
      );
    }
    return values[name];
  });
}
