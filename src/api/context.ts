/** What every API handler receives: the stores and who is calling from where. */
import type { Logger } from 'pino';
import type { LogStore } from '../store/log-store.js';

export interface ServiceContext {
  store: LogStore;
  accountId: string;
  log: Logger;
}

export interface CallContext extends ServiceContext {
  region: string;
  principal: string;
}

export type Handler = (input: Record<string, unknown>, ctx: CallContext) => Promise<Record<string, unknown>>;
