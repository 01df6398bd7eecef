export * from './cross-references';
export * from './findings';
export * from './gate';
export * from './names';
export * from './pods';
export * from './policy';
export * from './render-cache';
export * from './schema';
