/** Metric and composite alarms: definitions, the evaluation loop, state history and actions (docs/alarms.md). */
import type { AppDeps } from '../app/deps.js';
import type { NotificationService } from '../notify/service.js';
import type { AnomalyDetectorService } from '../metrics/anomaly/service.js';

export interface AlarmDeps extends AppDeps {
  notifications: NotificationService;
  anomalyDetectors: AnomalyDetectorService;
}

export class AlarmService {
  private constructor(private readonly deps: AlarmDeps) {}

  static async open(deps: AlarmDeps): Promise<AlarmService> {
    return new AlarmService(deps);
  }

  async close(): Promise<void> {}
}
