/** CloudWatch dashboards: bodies stored as given, validated as AWS does (docs/dashboards.md). */
import type { AppDeps } from '../app/deps.js';

export class DashboardService {
  private constructor(private readonly deps: AppDeps) {}

  static async open(deps: AppDeps): Promise<DashboardService> {
    return new DashboardService(deps);
  }

  async close(): Promise<void> {}
}
