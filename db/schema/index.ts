export * from './org';
export * from './accounts';
export * from './drafts';
export * from './audit';
export * from './deliveries';
export * from './inspections';
export * from './calendar';
export * from './prescreen';
