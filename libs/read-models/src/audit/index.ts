import { ReadModel } from '../projection';
import { auditProjection } from './projection';
import { AuditQueries } from './queries';

export * from './projection';
export * from './queries';
export * from './view';

export const audit: ReadModel = { projection: auditProjection, queries: [AuditQueries] };
