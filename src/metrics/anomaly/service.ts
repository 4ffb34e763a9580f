/** Anomaly detectors (PutAnomalyDetector) and the model behind ANOMALY_DETECTION_BAND (docs/anomaly-detection.md). */
import type { AppDeps } from '../../app/deps.js';

export class AnomalyDetectorService {
  private constructor(private readonly deps: AppDeps) {}

  static async open(deps: AppDeps): Promise<AnomalyDetectorService> {
    return new AnomalyDetectorService(deps);
  }

  async close(): Promise<void> {}
}
