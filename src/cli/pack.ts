/**
 * `trailwatch pack`: monitoring packs (docs/packs.md). `install` creates a pack's metric filters,
 * alarms and dashboard through the server's CloudWatch Logs and CloudWatch APIs, so it works the
 * same against a remote server; it is idempotent (a second run reports everything unchanged).
 */
import type { Command } from 'commander';
import { globalOptions, withClient } from './context.js';
import { CliError, usageError } from './errors.js';
import { out, outJson, table } from './format.js';
import { PACKS, findPack } from '../packs/registry.js';
import { installResources, PackError, type PackApi } from '../packs/install.js';
import type { Pack } from '../packs/types.js';

/** An SNS topic ARN as PutMetricAlarm accepts it (checked before anything is created). */
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;
/** A namespace both PutMetricFilter (no `:` `*` `$`) and PutMetricAlarm (not starting with `:`) accept. */
const NAMESPACE = /^[^:*$]{1,255}$/;

function pack(name: string): Pack {
  const p = findPack(name);
  if (!p) throw usageError(`Unknown pack '${name}'; available: ${[...PACKS.keys()].join(', ')}`);
  return p;
}

export function registerPack(program: Command): void {
  const cmd = program.command('pack').description('monitoring packs: ready-made metric filters, alarms and dashboards');

  cmd
    .command('list')
    .description('the packs available')
    .action((_opts: unknown, c: Command) => {
      const packs = [...PACKS.values()];
      if (globalOptions(c).json) { outJson({ packs: packs.map((p) => ({ name: p.name, title: p.title, description: p.description, controls: p.items().length })) }); return; }
      out(table(['NAME', 'CONTROLS', 'TITLE'], packs.map((p) => [p.name, String(p.items().length), p.title])));
    });

  cmd
    .command('show')
    .description('what a pack contains: per control its metric filter pattern, metric and alarm')
    .argument('<pack>', 'pack name (see `pack list`)')
    .action((name: string, _opts: unknown, c: Command) => {
      const p = pack(name);
      const items = p.items();
      if (globalOptions(c).json) {
        outJson({ name: p.name, title: p.title, description: p.description, defaultNamespace: p.defaultNamespace, dashboardName: p.dashboardName, controls: items });
        return;
      }
      out(`${p.title}\n${p.description}\nMetrics in namespace ${p.defaultNamespace} (change with --namespace); dashboard ${p.dashboardName}.\n\n`);
      out(table(['CONTROL', 'METRIC', 'ALARM', 'ALSO'], items.map((i) => [i.id, i.metricName, i.alarmName, i.refs.join(', ')])));
      out('\nFilter patterns:\n');
      for (const i of items) out(`  ${i.id} ${i.title} (${i.filterName}):\n    ${i.filterPattern}\n`);
    });

  cmd
    .command('install')
    .description("create a pack's metric filters, alarms and dashboard (idempotent)")
    .argument('<pack>', 'pack name (see `pack list`)')
    .requiredOption('-g, --log-group <name>', 'the log group CloudTrail delivers to')
    .requiredOption('--topic <arn>', 'SNS topic ARN the alarms notify')
    .option('--namespace <ns>', 'metric namespace (default: the pack\'s, LogMetrics for cis)')
    .action(async (name: string, opts: { logGroup: string; topic: string; namespace?: string }, c: Command) => {
      const p = pack(name);
      if (opts.namespace !== undefined && !NAMESPACE.test(opts.namespace)) throw usageError(`Invalid --namespace '${opts.namespace}': 1 to 255 characters, none of : * $`);
      if (!TOPIC_ARN.test(opts.topic)) throw usageError(`Invalid --topic '${opts.topic}': expected an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
      await withClient(c, async (client, g) => {
        const api: PackApi = {
          logs: (op, input) => client.call(op, input),
          cloudwatch: (op, input) => client.cloudwatch(op, input),
        };
        let changes;
        try {
          changes = await installResources(api, p.resources({ logGroupName: opts.logGroup, topicArn: opts.topic, namespace: opts.namespace, region: client.region }));
        } catch (e) {
          if (e instanceof PackError) throw new CliError(e.code, e.message);
          throw e;
        }
        const changed = changes.some((x) => x.action === 'created' || x.action === 'updated');
        const complete = !changes.some((x) => x.action === 'skipped');
        // An incomplete pack is a failure: the benchmark's controls want the alarms, not only the filters.
        if (!complete) process.exitCode = 1;
        if (g.json) { outJson({ pack: p.name, logGroupName: opts.logGroup, changed, complete, changes }); return; }
        out(table(['KIND', 'NAME', 'ACTION'], changes.map((x) => [x.kind, x.name, x.reason ? `${x.action} (${x.reason})` : x.action])));
        const count = (a: string) => changes.filter((x) => x.action === a).length;
        if (!changed && complete) out(`Nothing to change: pack ${p.name} is already installed on ${opts.logGroup}.\n`);
        else out(`${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged${complete ? '' : `, ${count('skipped')} skipped: the pack is incomplete`}.\n`);
      });
    });
}
