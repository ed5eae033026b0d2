export * from './block-kit-limits';
export * from './slack-receiver';
