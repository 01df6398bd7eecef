export * from './cross-references';
export * from './findings';
export * from './gate';
export * from './names';
export * from './pods';
export * from './policy';
export * from '../kube/render-cache';
export * from './schema';
