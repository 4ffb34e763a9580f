/** Saved Logs Insights queries (PutQueryDefinition), kept in one JSON file written atomically. */
import { existsSync, readFileSync } from 'node:fs';
import { replaceFileDurably } from './durable-file.js';
import { join } from 'node:path';

export interface QueryDefinition {
  queryDefinitionId: string;
  name: string;
  queryString: string;
  lastModified: number;
  logGroupNames?: string[];
  queryLanguage: string;
}

export class SavedQueries {
  private readonly path: string;
  private readonly defs = new Map<string, QueryDefinition>();

  constructor(dir: string) {
    this.path = join(dir, 'query-definitions.json');
    if (existsSync(this.path)) for (const d of JSON.parse(readFileSync(this.path, 'utf8')) as QueryDefinition[]) this.defs.set(d.queryDefinitionId, d);
  }

  get(id: string): QueryDefinition | undefined { return this.defs.get(id); }
  list(): QueryDefinition[] { return [...this.defs.values()]; }

  put(d: QueryDefinition): void { this.defs.set(d.queryDefinitionId, d); this.save(); }
  delete(id: string): boolean { const had = this.defs.delete(id); if (had) this.save(); return had; }

  private save(): void {
    replaceFileDurably(this.path, JSON.stringify(this.list(), null, 1));
  }
}
