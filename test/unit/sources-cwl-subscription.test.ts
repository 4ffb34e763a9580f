// CloudWatch Logs subscription payload parser (src/sources/cwl-subscription). Oracles: the decoded payload
// example in ../shared/corpora/aws-docs/cloudwatch-logs/SubscriptionFilters.md, the fact sheet's control-message
// example (§7.4), and payloads built from the demo dataset the way CloudWatch Logs builds them (gzip, base64).
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { CWL_SUBSCRIPTION_COLUMNS, cwlSubscription, detectCwlSubscription, parseCwlSubscription } from '../../src/sources/cwl-subscription/format.js';
import { detectFormat, reparseByMessageFormat } from '../../src/sources/registry.js';
import { demoGroup, jsonBlocks } from '../fixtures/sources/corpus.js';

const DOC_PAYLOAD = jsonBlocks('aws-docs/cloudwatch-logs/SubscriptionFilters.md').find((b) => b.includes('"messageType"') && b.includes('"owner": "111111111111"'))!;
const b64gz = (s: string) => gzipSync(Buffer.from(s)).toString('base64');
/** Fact sheet §7.4: the health check CloudWatch Logs sends to a new Firehose destination. */
const CONTROL = JSON.stringify({
  messageType: 'CONTROL_MESSAGE',
  owner: 'CloudwatchLogs',
  logGroup: '',
  logStream: '',
  subscriptionFilters: [],
  logEvents: [{ id: '', timestamp: 1432826855000, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
});

function checkDocEvents(out: ReturnType<typeof parseCwlSubscription>, copies = 1) {
  assert.deepEqual(out.problems, []);
  assert.equal(out.kind, 'events');
  assert.equal(out.events.length, 3 * copies);
  const e = out.events[0];
  assert.equal(e.timestamp, 1432826855000);
  assert.equal(e.message, '{"eventVersion":"1.03","userIdentity":{"type":"Root"}');
  assert.deepEqual(e.origin, {
    owner: '111111111111',
    logGroup: 'CloudTrail/logs',
    logStream: '111111111111_CloudTrail/logs_us-east-1',
    id: '31953106606966983378809025079804211143289615424298221568',
    subscriptionFilters: ['Destination'],
  });
  assert.deepEqual(e.columns, {
    origin_owner: '111111111111',
    origin_log_group: 'CloudTrail/logs',
    origin_log_stream: '111111111111_CloudTrail/logs_us-east-1',
    origin_event_id: '31953106606966983378809025079804211143289615424298221568',
    subscription_filters: 'Destination',
  });
  assert.equal(out.events[2].origin!.id, '31953106606966983378809025079804211143289615424298221570');
}

describe('cwl-subscription: the AWS doc payload (SubscriptionFilters.md), in every wrapping AWS uses', () => {
  it('decoded JSON, as the doc prints it', () => {
    checkDocEvents(parseCwlSubscription(DOC_PAYLOAD));
  });

  it('base64(gzip) text, as Kinesis record data', () => {
    const data = b64gz(DOC_PAYLOAD);
    assert.ok(detectCwlSubscription(data.slice(0, 1024)));
    checkDocEvents(parseCwlSubscription(data));
    checkDocEvents(parseCwlSubscription(`${data}\n${data}\n`), 2);
  });

  it('the Lambda event {"awslogs":{"data":…}}', () => {
    const text = JSON.stringify({ awslogs: { data: b64gz(DOC_PAYLOAD) } });
    assert.ok(detectCwlSubscription(text));
    checkDocEvents(parseCwlSubscription(text));
  });

  it('a Firehose HTTP endpoint request body (records[].data), gzip or already decompressed', () => {
    const body = JSON.stringify({ requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f', timestamp: 1578090901599, records: [{ data: b64gz(DOC_PAYLOAD) }, { data: Buffer.from(DOC_PAYLOAD).toString('base64') }] });
    assert.ok(detectCwlSubscription(body.slice(0, 1024)));
    checkDocEvents(parseCwlSubscription(body), 2);
  });

  it('Kinesis GetRecords output (Records[].Data) is a subscription payload, not a CloudTrail file', () => {
    const text = JSON.stringify({ Records: [{ SequenceNumber: '1', ApproximateArrivalTimestamp: 1, Data: b64gz(DOC_PAYLOAD), PartitionKey: 'k' }], MillisBehindLatest: 0 });
    assert.equal(detectFormat(text.slice(0, 1024))?.id, 'cwl-subscription');
    checkDocEvents(parseCwlSubscription(text));
  });

  it('payloads back to back, as Firehose writes them to S3 (after gunzip)', () => {
    const compact = JSON.stringify(JSON.parse(DOC_PAYLOAD));
    checkDocEvents(parseCwlSubscription(compact + compact), 2);
    checkDocEvents(parseCwlSubscription(`${DOC_PAYLOAD}\n${DOC_PAYLOAD}`), 2);
  });
});

describe('cwl-subscription: control messages (fact sheet §7.4)', () => {
  it('a CONTROL_MESSAGE alone: kind control-message, no events, no problems', () => {
    const out = parseCwlSubscription(CONTROL);
    assert.equal(out.kind, 'control-message');
    assert.deepEqual(out.events, []);
    assert.deepEqual(out.problems, []);
    assert.ok(detectCwlSubscription(CONTROL));
    assert.equal(parseCwlSubscription(b64gz(CONTROL)).kind, 'control-message');
  });

  it('a control message among data messages is dropped; the data is read', () => {
    const out = parseCwlSubscription(`${CONTROL}\n${JSON.stringify(JSON.parse(DOC_PAYLOAD))}`);
    assert.equal(out.kind, 'events');
    assert.equal(out.events.length, 3);
  });
});

describe('cwl-subscription: demo CloudTrail through a subscription, re-parsed by message format', () => {
  const group = demoGroup('/aws/cloudtrail/111122223333');
  const stream = group.streams[0];
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '111122223333',
    logGroup: group.name,
    logStream: stream.name,
    subscriptionFilters: ['to-trailwatch'],
    logEvents: stream.events.slice(0, 200).map((e, i) => ({ id: String(36000000000000000000000000000000000000000000000000000000n + BigInt(i)), timestamp: e.timestamp, message: e.message })),
  };

  it('every log event comes out with its message, timestamp and origin', () => {
    const out = parseCwlSubscription(b64gz(JSON.stringify(payload)));
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 200);
    out.events.forEach((e, i) => {
      assert.equal(e.message, stream.events[i].message);
      assert.equal(e.timestamp, stream.events[i].timestamp);
      assert.equal(e.origin!.logGroup, group.name);
      assert.equal(e.origin!.logStream, stream.name);
    });
  });

  it('re-parsed with the format their messages are in: CloudTrail columns, origin kept', () => {
    const out = parseCwlSubscription(JSON.stringify(payload));
    const byFormat = reparseByMessageFormat(out.events);
    assert.deepEqual([...byFormat.keys()].map((f) => f?.id), ['cloudtrail']);
    const events = byFormat.values().next().value!;
    assert.equal(events.length, 200);
    assert.equal(typeof events[0].columns.event_name, 'string');
    assert.equal(events[0].origin!.logStream, stream.name);
    assert.equal(events[0].message, stream.events[0].message);
  });
});

describe('cwl-subscription: damaged input never throws', () => {
  it('bad base64, bad gzip, JSON that is not a payload, a log event without a message: problems', () => {
    const out = parseCwlSubscription(['H4sIAAAAAAAA!!!!', 'H4sIAAAAAAAAAAAAAAAA', '{"hello":"world"}', 'plain text'].join('\n'));
    assert.equal(out.events.length, 0);
    assert.equal(out.problems.length, 4);
    const p2 = parseCwlSubscription(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: [], logEvents: [{ id: '1', timestamp: 1 }, { id: '2', timestamp: 2, message: 'ok' }] }));
    assert.equal(p2.events.length, 1);
    assert.equal(p2.problems.length, 1);
  });

  it('a timestamp that is not a number: kept with a warning', () => {
    const out = parseCwlSubscription(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logStream: 's', subscriptionFilters: [], logEvents: [{ id: '1', timestamp: 'soon', message: 'x' }] }), undefined, { fallbackTimestamp: 9 });
    assert.equal(out.events[0].timestamp, 9);
    assert.equal(out.warnings!.length, 1);
  });

  it('columns are derived (the message does not hold them) and the format has no default group', () => {
    for (const c of CWL_SUBSCRIPTION_COLUMNS) assert.equal(c.derived, true);
    assert.equal(cwlSubscription.defaultLogGroup, undefined);
    assert.equal(cwlSubscription.table, 'events_cwl_subscription');
  });
});
