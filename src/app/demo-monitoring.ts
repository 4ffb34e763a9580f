/**
 * The demo's monitoring, set up through the same AWS operations a user would call: an SNS topic for
 * alerts (no subscriptions: nothing leaves the machine) and the CIS pack on the demo CloudTrail group,
 * whose metric filters then count the demo week as it is stored.
 */
import type { Logger } from 'pino';
import type { CallContext } from '../api/context.js';
import { CLOUDTRAIL_GROUP } from '../demo/common.js';
import { cisPack } from '../packs/cis.js';
import { installResources } from '../packs/install.js';
import type { GroupMeta } from '../store/metadata.js';
import { inProcessApi } from './in-process-api.js';

export const DEMO_TOPIC = 'trailwatch-demo-alerts';

/** A `prepareGroup` for loadDemoData: installs the CIS pack when the demo CloudTrail group appears. */
export function demoMonitoring(ctx: CallContext, log: Logger): (group: GroupMeta) => Promise<void> {
  return async (group) => {
    if (group.name !== CLOUDTRAIL_GROUP) return;
    try {
      const api = inProcessApi(ctx);
      const { TopicArn } = await api.sns('CreateTopic', { Name: DEMO_TOPIC });
      const changes = await installResources(api, cisPack.resources({ logGroupName: group.name, topicArn: String(TopicArn), region: ctx.region }));
      log.info({ group: group.name, created: changes.filter((c) => c.action === 'created').length }, 'demo: CIS monitoring pack installed');
    } catch (e) {
      // The demo's logs still load without it.
      log.warn({ err: String(e) }, 'demo: installing the CIS monitoring pack failed');
    }
  };
}
